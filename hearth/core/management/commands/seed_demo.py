"""Demo content for a local Hearth: communities with their own guidelines, a few members and gentle conversations.

Everything is written through the services, as a member or moderator would write it, so counters stay exact.
Running the command again adds only what is missing: nothing that already exists is changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from hearth.accounts.models import SensitiveTopic, User
from hearth.accounts.services import sign_up
from hearth.communities.models import (
    Community,
    Invitation,
    InvitationStatus,
    JoinRequest,
    Membership,
    MembershipMode,
    MembershipRole,
    RequestStatus,
)
from hearth.communities.services import (
    accept_invitation,
    decide_join_request,
    invite_member,
    join_community,
    set_member_role,
)
from hearth.core.errors import RateLimited
from hearth.forums.models import Post, ReactionKind, Thread
from hearth.forums.services import add_reaction, add_reply, create_thread
from hearth.lib.markdown import render_markdown
from hearth.listeners import training
from hearth.listeners.models import Language, ListenerProfile, ListenerStatus, TrainingProgress

# Documented in README.md. Only ever used for local demo accounts: see `--with-demo-accounts`.
DEMO_PASSWORD = "hearth-demo-password"  # noqa: S105
# Moderator powers need two-factor authentication (hearth.accounts.mfa), so demo moderators have an authenticator
# app whose key is published like the password: add it to any authenticator app, or run `manage.py demo_code`.
DEMO_TOTP_SECRET = "NBSWC4TUNAWWIZLNN4WTEZTBFVVWK6JB"  # noqa: S105


# --- Communities -------------------------------------------------------------------------------------------

SHARED_GUIDELINES = """\
**Be kind.** Reply as you would want someone to reply to you on a hard day. Listen first; nobody needs \
fixing. If you disagree, disagree gently, and about ideas, never about a person.

**Share your experience, not instructions.** Say what helped you rather than what someone else should do. \
Never tell anyone to start, stop or change a medication or treatment: that is a conversation for them and \
their doctor, nurse or pharmacist.

**Leave out method details.** Don't describe ways of self-harming or ending a life, places, amounts or \
steps, even about the past. Say how you felt and what helped instead. Say "died by suicide", not \
"committed suicide", and please don't call an attempt "failed" or "successful".

**Use a content warning** when a post touches on self-harm, suicide, eating disorders, abuse, substance \
use or anything graphic: choose the topic when you post, and readers who hide that topic see a short \
notice and decide for themselves whether to open it.

**Keep everyone's identity safe.** No real names, addresses, schools, workplaces, phone numbers, social \
media handles or photos, whether yours or anyone else's. Your pseudonym is how people know you here.

**If you are worried about someone,** reply with care, gently encourage them to contact a crisis line or \
someone they trust, and report the post so a moderator can check in. You don't have to handle it alone, \
and please don't promise to keep a risk secret.

**Where to get help.** Hearth is peer support, not a crisis or emergency service. If you or someone else \
is in danger right now, call your local emergency number. [Get help now](/help/) lists crisis lines for \
your country, day or night.

Moderators may hide posts that don't follow these guidelines, so that this stays a safe place for everyone.
"""


def compose_guidelines(intro: str, community_points: list[str]) -> str:
    points = "\n".join(f"- {point}" for point in community_points)
    return f"{intro}\n\n**In this community**\n\n{points}\n\n**Everywhere on Hearth**\n\n{SHARED_GUIDELINES}"


@dataclass(frozen=True)
class DemoCommunity:
    slug: str
    name: str
    focus_area: str
    description: str
    intro: str
    points: list[str]
    membership_mode: str = MembershipMode.OPEN
    allow_anonymous_posts: bool = True

    @property
    def guidelines(self) -> str:
        return compose_guidelines(self.intro, self.points)


COMMUNITIES = [
    DemoCommunity(
        slug="anxiety-depression",
        name="Anxiety & Depression",
        focus_area="Anxiety, worry and low mood",
        description=(
            "For anyone living with anxiety, panic, worry or low mood. Share how things are, swap what helps "
            "and keep each other company on the harder days."
        ),
        intro="Welcome. However you are feeling today, you are welcome to read quietly or to say hello.",
        points=[
            "Good days and bad days are both welcome here. You don't have to explain or justify how you feel.",
            'Coping ideas are shared as "this helped me", never as "you should". What works differs from '
            "person to person.",
            "Talk about medication as your own experience only. Questions about doses or changes belong with "
            "your prescriber.",
        ],
    ),
    DemoCommunity(
        slug="carers-families",
        name="Carers & Families",
        focus_area="Supporting someone you love",
        description=(
            "For partners, parents, children, friends and anyone caring for someone with a mental health "
            "condition. Your wellbeing matters too."
        ),
        intro="Caring for someone can be tiring and lonely. Here you can talk about it with people who understand.",
        points=[
            "The person you care for has their own story. Share what you need to, without details that could "
            "identify them.",
            "Frustration and grief are normal parts of caring. Vent if you need to, and keep it kind.",
            "Looking after yourself is not selfish. Threads about your own needs are always on topic.",
        ],
    ),
    DemoCommunity(
        slug="recovery",
        name="Recovery",
        focus_area="Recovery from addiction and substance use",
        description=(
            "For people recovering from addiction to alcohol, drugs, gambling or anything else, and for those "
            "thinking about it. Every path and every day counts."
        ),
        intro="Whatever your path and however long you have been on it, you belong here.",
        points=[
            "Use the Substance use content warning when you write about using or cravings.",
            "No talk of where to get substances, amounts, or how to use. Don't make using sound glamorous.",
            "A slip or relapse is met with support, never judgement. Come back and tell us when you're ready.",
        ],
    ),
    DemoCommunity(
        slug="trauma-ptsd",
        name="Trauma & PTSD",
        focus_area="Living with the effects of trauma",
        description=(
            "A closed community for survivors of trauma and people living with PTSD. Conversations are visible "
            "to members only; ask to join and a moderator will welcome you."
        ),
        intro=(
            "This is a closed community: only members and moderators can read it. Share at your own pace; "
            "nobody here will ask you for details."
        ),
        points=[
            "Talk about how things affect you now, not the graphic details of what happened.",
            "Use the Abuse or Graphic content warnings whenever a post touches on those topics.",
            "Don't name or describe people who hurt you, or places. It keeps you, and this community, safe.",
            "Never pressure anyone to share more than they want to.",
        ],
        membership_mode=MembershipMode.REQUEST,
    ),
    DemoCommunity(
        slug="chronic-illness",
        name="Living with Chronic Illness",
        focus_area="Long-term physical health conditions and mental health",
        description=(
            "For people whose long-term physical condition affects their mood, energy and daily life. Pacing, "
            "appointments, good days and flare days."
        ),
        intro="Living with a long-term condition is a lot to carry. Put some of it down here.",
        points=[
            "Share what has helped you, and remember that every body and every condition is different.",
            "No miracle cures, and never suggest someone stops a treatment their care team has advised.",
            "Rest is productive. Short posts, late replies and quiet reading are all fine.",
        ],
    ),
    DemoCommunity(
        slug="students-young-people",
        name="Students & Young People",
        focus_area="Studying, growing up and finding your way",
        description=(
            "For students and young people: exams, moving away, friendships, family and figuring things out. "
            "Moderated with extra care."
        ),
        intro="A place to talk about the pressures of studying and growing up, moderated with extra care.",
        points=[
            "Never share your school, college, university, town or social media accounts, or ask others for theirs.",
            "Never arrange to meet anyone from Hearth, and tell a moderator if someone asks you to.",
            "If something here worries you, report it. Talking to a trusted adult or your student support "
            "service can help too.",
        ],
    ),
    DemoCommunity(
        slug="parents",
        name="Parents",
        focus_area="Parenting and mental health",
        description=(
            "For mums, dads and carers of children of any age: the joys, the exhaustion, postnatal mental health "
            "and the days that feel too much."
        ),
        intro="There are no perfect parents here, just people doing their best and looking after each other.",
        points=[
            "Never post names, photos, schools or other details that could identify your children.",
            "Parenting advice is offered gently and as your own experience; every family is different.",
            "If you are worried about a child's safety, contact your local emergency number or child protection "
            "service as well as posting here.",
        ],
    ),
    DemoCommunity(
        slug="general-lounge",
        name="General lounge",
        focus_area="Everyday chat and small wins",
        description=(
            "A relaxed corner for everyday chat: hobbies, small wins, what you're reading and how your day went."
        ),
        intro="Pull up a chair. This is the place for gentle, everyday conversation.",
        points=[
            "Keep it light. If you need support with something heavy, one of the focused communities may suit "
            "it better, and content warnings apply here too.",
            "Celebrate each other's small wins; they count.",
            "No advertising, fundraising or links to sell things.",
        ],
    ),
    DemoCommunity(
        slug="professionals-practice",
        name="Professionals' practice",
        focus_area="Reflective practice for people who support others",
        description=(
            "An invitation-only space for counsellors, peer support workers and volunteers to reflect on their "
            "practice and look after themselves."
        ),
        intro="A space for peer reflection among people who support others. Membership is by invitation.",
        points=[
            "Never include anything that could identify a client or service user. Change or leave out details.",
            "This is peer reflection, not clinical supervision or advice: follow your own organisation's "
            "safeguarding procedures.",
            "Posts here are never anonymous, so that members can trust who they are talking with.",
        ],
        membership_mode=MembershipMode.INVITE,
        allow_anonymous_posts=False,
    ),
]


# --- Accounts -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    pseudonym: str
    role: str
    is_global_moderator: bool = False
    is_listener: bool = False
    joins: list[str] = field(default_factory=list)
    moderates: list[str] = field(default_factory=list)


GLOBAL_MODERATOR = "HarbourLight"

ACCOUNTS = [
    DemoAccount(GLOBAL_MODERATOR, "global moderator", is_global_moderator=True, joins=["general-lounge"]),
    DemoAccount(
        "SteadyCedar",
        "community moderator (Anxiety & Depression, Carers & Families)",
        joins=["general-lounge", "professionals-practice"],
        moderates=["anxiety-depression", "carers-families"],
    ),
    DemoAccount(
        "KindKestrel",
        "listener",
        is_listener=True,
        joins=["anxiety-depression", "recovery", "students-young-people", "general-lounge", "professionals-practice"],
    ),
    DemoAccount("QuietFern", "member", joins=["anxiety-depression", "chronic-illness", "general-lounge"]),
    DemoAccount("BrightPebble", "member", joins=["anxiety-depression", "students-young-people", "parents"]),
    DemoAccount("MistyBrook", "member", joins=["anxiety-depression", "carers-families", "recovery", "trauma-ptsd"]),
    DemoAccount("AmberMoth", "member", joins=["carers-families", "parents", "general-lounge"]),
    DemoAccount("GentleWren", "member", joins=["chronic-illness", "recovery", "parents", "general-lounge"]),
]

# Left pending so a moderator has a join request to look at.
PENDING_REQUESTS = [("AmberMoth", "trauma-ptsd")]


# --- Conversations ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoReply:
    author: str
    body: str


@dataclass(frozen=True)
class DemoThread:
    community: str
    author: str
    title: str
    body: str
    replies: list[DemoReply] = field(default_factory=list)
    # (who, post number, reaction kind)
    reactions: list[tuple[str, int, str]] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    anonymous: bool = False


THREADS = [
    DemoThread(
        community="general-lounge",
        author=GLOBAL_MODERATOR,
        title="Welcome to Hearth: say hello here",
        body=(
            "Hello and welcome! This is a gentle place to talk with people who understand.\n\n"
            "If you'd like to, say hello below: a few words about what brought you here, or simply what "
            "kind of tea you're drinking. Reading quietly is completely fine too.\n\n"
            "Please take a moment to read the guidelines of each community you join. And remember that "
            "**Get help now** is at the top of every page if you ever need it."
        ),
        replies=[
            DemoReply("QuietFern", "Hello! Peppermint tea and a blanket here. Glad to have found this place."),
            DemoReply("AmberMoth", "Hi all. Mostly here to read for now, but it already feels friendly."),
            DemoReply("GentleWren", "Hello from a sunny windowsill. Looking forward to getting to know you."),
        ],
        reactions=[("QuietFern", 1, ReactionKind.HUG), ("AmberMoth", 2, ReactionKind.HUG)],
    ),
    DemoThread(
        community="general-lounge",
        author="QuietFern",
        title="One small good thing from today",
        body="Let's collect small good things. Mine: the first cup of tea in a quiet kitchen before anyone woke up.",
        replies=[
            DemoReply("GentleWren", "A robin sat on the fence for ages while I hung out the washing."),
            DemoReply("KindKestrel", "I finished a book I'd been meaning to read for months. Felt lovely."),
        ],
        reactions=[("GentleWren", 1, ReactionKind.ME_TOO), ("QuietFern", 2, ReactionKind.HUG)],
    ),
    DemoThread(
        community="anxiety-depression",
        author="QuietFern",
        title="Small things that helped this week",
        body=(
            "It's been a heavy week, so I've been trying to notice the small things that made it a bit lighter:\n\n"
            "- a short walk at lunchtime, even in the drizzle\n"
            "- writing my worries down before bed so they're not going round my head\n"
            "- texting a friend instead of waiting for them to text me\n\n"
            "What's helped you, even a little?"
        ),
        replies=[
            DemoReply(
                "BrightPebble",
                "Writing worries down helps me too. I also keep a list of things I managed each day, however "
                'small. Some days it just says "got up, ate toast", and that still counts.',
            ),
            DemoReply(
                "SteadyCedar",
                "Thank you for starting this, QuietFern. Lovely ideas. A gentle reminder for everyone: share what "
                "helped you, and it's fine if something that works for one person doesn't work for another.",
            ),
        ],
        reactions=[
            ("BrightPebble", 1, ReactionKind.HELPFUL),
            ("KindKestrel", 1, ReactionKind.HUG),
            ("QuietFern", 2, ReactionKind.ME_TOO),
        ],
    ),
    DemoThread(
        community="anxiety-depression",
        author="MistyBrook",
        title="Finding it hard to tell my family how I feel",
        body=(
            "I've been feeling low for a while and I haven't told anyone at home. Every time I try, I end up "
            'saying "I\'m fine". Has anyone found a way to start that conversation?'
        ),
        anonymous=True,
        replies=[
            DemoReply(
                "KindKestrel",
                "That sounds really hard, and it took courage to write this. Some people find it easier to write "
                "a short note or message first, or to talk while doing something side by side, like a walk. "
                "Would you like to share what worries you most about telling them?",
            ),
        ],
        reactions=[("BrightPebble", 1, ReactionKind.THINKING_OF_YOU)],
    ),
    DemoThread(
        community="carers-families",
        author="AmberMoth",
        title="How do you make time for yourself?",
        body=(
            "I support my partner, and most days I forget to do anything for me. Those of you who care for "
            "someone, how do you find time to recharge?"
        ),
        replies=[
            DemoReply(
                "MistyBrook",
                "I put one thing a week in the calendar just for me, like swimming or coffee with a friend, and "
                "treat it like an appointment I can't cancel.",
            ),
            DemoReply(
                "SteadyCedar",
                "A really important question. Many areas have carers' support services and groups too; they can "
                "be worth looking up.",
            ),
        ],
        reactions=[("MistyBrook", 1, ReactionKind.ME_TOO), ("AmberMoth", 2, ReactionKind.HELPFUL)],
    ),
    DemoThread(
        community="recovery",
        author="GentleWren",
        title="Six months today",
        body=(
            "Six months today. Evenings were the hardest part at first, especially the cravings around the "
            "time I used to drink. What got me through was having a plan for that hour: a walk, a phone call, "
            "my meeting twice a week.\n\n"
            "Not every day has been easy, but I'm proud of myself, and grateful for this community."
        ),
        topics=[SensitiveTopic.SUBSTANCE_USE],
        replies=[
            DemoReply("KindKestrel", "Six months! That's wonderful. Thank you for sharing what helped."),
            DemoReply("MistyBrook", "This gives me hope. Having a plan for the hardest hour is a great idea."),
        ],
        reactions=[
            ("KindKestrel", 1, ReactionKind.HUG),
            ("MistyBrook", 1, ReactionKind.HELPFUL),
        ],
    ),
    DemoThread(
        community="trauma-ptsd",
        author="MistyBrook",
        title="Grounding ideas for when memories feel close",
        body=(
            "When things feel too close, grounding helps me come back to the present. I name five things I can "
            "see, four I can touch, three I can hear, two I can smell and one I can taste.\n\n"
            "Does anyone have other grounding ideas they'd like to share?"
        ),
        replies=[
            DemoReply(
                GLOBAL_MODERATOR,
                "Thank you for sharing this, MistyBrook. Holding something comforting, like a smooth stone or a "
                "warm mug, helps some people too. Go gently, everyone.",
            ),
        ],
        reactions=[(GLOBAL_MODERATOR, 1, ReactionKind.HELPFUL)],
    ),
    DemoThread(
        community="chronic-illness",
        author="GentleWren",
        title="Pacing on good days and bad days",
        body=(
            "I'm learning not to do everything on a good day and then pay for it for the rest of the week. "
            "I now split jobs into small pieces with rests in between. How do you pace yourselves?"
        ),
        replies=[
            DemoReply(
                "QuietFern",
                "Same here. I keep a simple diary of energy and activity, which helps me spot patterns and makes "
                "appointments with my care team more useful.",
            ),
        ],
        reactions=[("QuietFern", 1, ReactionKind.ME_TOO)],
    ),
    DemoThread(
        community="students-young-people",
        author="BrightPebble",
        title="Exam season: how are you looking after yourselves?",
        body=(
            "Exams start in two weeks and my brain feels full. I'm trying to keep regular breaks and actually "
            "sleep. What's helping you get through revision?"
        ),
        replies=[
            DemoReply(
                "KindKestrel",
                "Good luck! Short revision blocks with proper breaks helped me a lot. And your student support "
                "service is there for the stressful bits too.",
            ),
        ],
        reactions=[("KindKestrel", 1, ReactionKind.THINKING_OF_YOU)],
    ),
    DemoThread(
        community="parents",
        author="AmberMoth",
        title="Finding five minutes for yourself",
        body=(
            "Bedtime has been a marathon lately and by the evening I've got nothing left. Any small ways you "
            "find a moment for yourself in the middle of it all?"
        ),
        replies=[
            DemoReply("GentleWren", "A cup of tea in the garden after bedtime, phone in another room. Ten minutes."),
            DemoReply("BrightPebble", "Headphones and one song, just for me, while I tidy up."),
        ],
        reactions=[("GentleWren", 1, ReactionKind.ME_TOO), ("AmberMoth", 2, ReactionKind.HUG)],
    ),
    DemoThread(
        community="professionals-practice",
        author="SteadyCedar",
        title="Looking after ourselves after a difficult session",
        body=(
            "After a hard conversation I used to carry it home with me. Now I take ten minutes to write down "
            "how I feel (nothing about the person), then go for a short walk before the next thing. What "
            "routines help you put things down at the end of the day?"
        ),
        replies=[
            DemoReply(
                "KindKestrel",
                "Debriefing with a colleague helps me most, even briefly. And a clear end to the day: "
                "I change clothes when I get home.",
            ),
        ],
        reactions=[("KindKestrel", 1, ReactionKind.HELPFUL)],
    ),
]


# --- The command ------------------------------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Add demo communities and, with --with-demo-accounts (or when DEBUG is on), demo members and gentle "
        "conversations. Safe to run again: only what is missing is added."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--with-demo-accounts",
            action="store_true",
            help=f"Create demo accounts, all with the known password {DEMO_PASSWORD!r}, even though DEBUG is off.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with_accounts = bool(settings.DEBUG or options["with_demo_accounts"])
        threads = 0
        try:
            with transaction.atomic():
                communities, created = self.ensure_communities()
                if with_accounts:
                    accounts = self.ensure_accounts()
                    self.ensure_two_factor(accounts)
                    self.ensure_memberships(accounts, communities)
                    threads = self.ensure_threads(accounts, communities)
                    self.ensure_listeners(accounts)
        except RateLimited as exc:
            raise CommandError(f"Demo content hit a rate limit, so nothing was added: {exc.message}") from exc

        self.stdout.write(f"Communities: {created} added, {len(communities) - created} already there.")
        if not with_accounts:
            self.stdout.write(
                self.style.WARNING(
                    "No demo accounts or conversations were added: DEBUG is off, and demo accounts share a known "
                    "password. Pass --with-demo-accounts to add them anyway (never on a public site)."
                )
            )
            return
        self.stdout.write(f"Conversations: {threads} added.")
        self.stdout.write(self.style.SUCCESS(f"Demo sign-ins (password for every one: {DEMO_PASSWORD}):"))
        for account in ACCOUNTS:
            self.stdout.write(f"  {account.pseudonym:<14} {account.role}")
        self.stdout.write(
            f"Moderators also enter a code from an authenticator app with the key {DEMO_TOTP_SECRET}, "
            "or the one `python manage.py demo_code` prints."
        )

    def ensure_communities(self) -> tuple[dict[str, Community], int]:
        communities: dict[str, Community] = {}
        created = 0
        for order, spec in enumerate(COMMUNITIES, start=1):
            community = Community.objects.filter(slug=spec.slug).first()
            if community is None:
                # No service creates communities yet; a new one starts with every counter at zero,
                # and the services keep them exact from here on.
                community = Community.objects.create(
                    slug=spec.slug,
                    name=spec.name,
                    focus_area=spec.focus_area,
                    description=spec.description,
                    guidelines=spec.guidelines,
                    guidelines_html=render_markdown(spec.guidelines),
                    membership_mode=spec.membership_mode,
                    allow_anonymous_posts=spec.allow_anonymous_posts,
                    sort_order=order * 10,
                )
                created += 1
            communities[spec.slug] = community
        return communities, created

    def ensure_accounts(self) -> dict[str, User]:
        accounts: dict[str, User] = {}
        for spec in ACCOUNTS:
            user = User.objects.by_pseudonym(spec.pseudonym).first()
            if user is None:
                user = sign_up(
                    pseudonym=spec.pseudonym, password=DEMO_PASSWORD, confirm_age=True, accept_guidelines=True
                )
                # Roles have no service yet (an admin grants them); set them once, when the account is made.
                if spec.is_global_moderator or spec.is_listener:
                    user.is_global_moderator = spec.is_global_moderator
                    user.is_listener = spec.is_listener
                    user.save(update_fields=["is_global_moderator", "is_listener"])
            accounts[spec.pseudonym] = user
        return accounts

    def ensure_two_factor(self, accounts: dict[str, User]) -> None:
        for spec in ACCOUNTS:
            user = accounts[spec.pseudonym]
            staff = spec.is_global_moderator or spec.moderates
            if staff and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, DEMO_TOTP_SECRET)

    def ensure_listeners(self, accounts: dict[str, User]) -> None:
        """Demo listeners have passed the training (as if today) and are available for 1:1 chats."""
        for spec in ACCOUNTS:
            if not spec.is_listener:
                continue
            user = accounts[spec.pseudonym]
            TrainingProgress.objects.get_or_create(
                user=user,
                defaults={"passed_at": timezone.now(), "lessons_read": [lesson.slug for lesson in training.LESSONS]},
            )
            ListenerProfile.objects.get_or_create(
                user=user, defaults={"status": ListenerStatus.AVAILABLE, "languages": [Language.EN]}
            )

    def ensure_memberships(self, accounts: dict[str, User], communities: dict[str, Community]) -> None:
        moderator = accounts[GLOBAL_MODERATOR]
        for spec in ACCOUNTS:
            user = accounts[spec.pseudonym]
            for slug in spec.joins:
                ensure_member(user, communities[slug], moderator=moderator)
            for slug in spec.moderates:
                community = communities[slug]
                membership = Membership.objects.filter(user=user, community=community).first()
                if membership is None or membership.role != MembershipRole.MODERATOR:
                    set_member_role(moderator, community, user, role=MembershipRole.MODERATOR)
        for pseudonym, slug in PENDING_REQUESTS:
            user, community = accounts[pseudonym], communities[slug]
            already = (
                Membership.objects.filter(user=user, community=community).exists()
                or JoinRequest.objects.filter(user=user, community=community).exists()
            )
            if not already:
                join_community(user, community)

    def ensure_threads(self, accounts: dict[str, User], communities: dict[str, Community]) -> int:
        added = 0
        for spec in THREADS:
            community = communities[spec.community]
            if Thread.objects.filter(community=community, title=spec.title).exists():
                continue
            thread = create_thread(
                accounts[spec.author],
                community,
                title=spec.title,
                body=spec.body,
                topics=list(spec.topics),
                anonymous=spec.anonymous,
            )
            for reply in spec.replies:
                add_reply(accounts[reply.author], thread, body=reply.body)
            posts = {p.number: p for p in Post.objects.filter(thread=thread)}
            for pseudonym, number, kind in spec.reactions:
                add_reaction(accounts[pseudonym], posts[number], kind=kind)
            added += 1
        return added


def ensure_member(user: User, community: Community, *, moderator: User) -> None:
    """Make `user` a member the way a person would get in: join, ask and be approved, or be invited and accept."""
    if Membership.objects.filter(user=user, community=community).exists():
        return
    if community.membership_mode == MembershipMode.INVITE:
        invitation = Invitation.objects.filter(
            community=community, invitee=user, status=InvitationStatus.PENDING
        ).first() or invite_member(moderator, community, pseudonym=user.username)
        accept_invitation(user, invitation)
        return
    request = JoinRequest.objects.filter(user=user, community=community, status=RequestStatus.PENDING).first()
    if request is None:
        result = join_community(user, community)
        if isinstance(result, Membership):
            return
        request = result
    decide_join_request(moderator, request, approve=True)
