"""Peer-listener training: the lessons a member reads and the quiz they pass before taking 1:1 chats.

Safety requirement 28: 1:1 listener chats need a passed quiz covering active listening, the five first-aid
steps and referral, and the training lapses after a year (`VALID_FOR_DAYS`). The content is Hearth's own,
based on widely used mental-health first-aid and peer-support principles; Hearth is not certified by, or
speaking for, any outside training programme.

Lesson bodies are Markdown for `hearth.lib.markdown.render_markdown`, which turns headings and images off,
so bodies use paragraphs, lists and bold text only. Pure Python: no database, no Django.

Editing: keep question ids stable (forms and clients send answers by id); if a question's meaning changes,
give it a new id. Keep each lesson's advice consistent with docs/safety-pipeline.md and the "Hand over to a
moderator" action in `hearth.listeners.services.hand_over`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str
    summary: str
    body: str


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    options: tuple[str, ...]
    answer: int
    explanation: str


@dataclass(frozen=True)
class QuizResult:
    score: int
    total: int
    passed: bool
    missed: tuple[Question, ...]


VALID_FOR_DAYS: int = 365


# --- Lessons ---------------------------------------------------------------------------------------------

_ROLE = Lesson(
    slug="role",
    title="What a peer listener is, and isn't",
    summary="What you offer as a listener, where the role stops, and how you keep yourself and members safe.",
    body="""\
As a Hearth listener you offer something simple and valuable: your time and your full attention. A member \
who chooses "Talk to a listener now" wants a person to hear them out. You don't need qualifications, answers \
or a story of your own to share. You need patience, warmth, and honesty about what you can and can't do.

**What you are not**

- **Not a therapist, counsellor or doctor.** Don't diagnose, and don't advise on treatment or medication.
- **Not a crisis service.** When someone may be in danger, your job is to bring in people who can help, \
not to manage it yourself. The lesson on risk shows you how.
- **Not a friend outside Hearth.** Keep the conversation in the chat: don't move to other apps, swap \
social media accounts or arrange to meet.

**Boundaries protect you both.** It's fine to say "I can stay for about twenty more minutes" or "That's not \
something I can help with, but I can show you who can." A clear, kind limit is more caring than a promise you \
can't keep.

**Privacy.** Everyone on Hearth uses a pseudonym, and members never see each other's email address, real name \
or location. Help keep it that way. Never ask for a member's real name, phone number, address, school or \
workplace, and never share your own. If a member starts to give these details, gently suggest they keep them \
to themselves. Only you and the member can read a 1:1 chat; a moderator can read it once you hand it over. \
What you read stays in the chat: don't repeat it anywhere else.

Don't promise to keep everything secret, though. If someone's safety is at risk, you will bring in a \
moderator, and you can tell the member that honestly.

**Your wellbeing matters too.** Only take chats when you feel steady enough. If a topic is too close to your \
own experience, or you're having a hard day, it's okay to stay unavailable, or to end a chat kindly. Looking \
after yourself is part of the role, not a failure at it.""",
)

_LISTENING = Lesson(
    slug="listening",
    title="Active listening",
    summary="How to take in what someone says, understand it and show them you have, without rushing to fix it.",
    body="""\
Active listening means putting your attention on understanding the other person, rather than waiting for \
your turn to talk. It has three parts:

1. **Absorb.** Read each message slowly. Notice the feelings as well as the facts.
2. **Understand.** Try to see the situation the way they see it, even if you would see it differently.
3. **Reflect.** Say back, in your own words, what you've heard: "It sounds like you've been carrying this \
on your own for weeks, and you're worn out."

If your reflection is a little off, they'll correct you ("not worn out, more numb"), and now you understand \
them better.

**Ask open questions.** Questions that can't be answered with a yes or no invite people to say more: "What's \
been happening?", "How was that for you?" Asking what happened, rather than what's wrong, keeps the focus on \
their experience and doesn't suggest that they are the problem.

**Validate feelings.** You don't have to agree with every conclusion to accept how someone feels: "That \
sounds really painful." "It makes sense that you're angry."

**Silence is fine.** In a text chat, a pause often means someone is typing, thinking or crying. Don't rush \
to fill it. "Take your time, I'm here" is enough.

**What gets in the way**, however kindly meant:

- lecturing, or telling them what they should do;
- firing question after question, so it feels like an interview;
- trying to fix things before they feel heard;
- comparing ("I had it worse", "my cousin went through the same");
- pushing your own coping methods, faith or beliefs;
- promises you can't keep ("everything will be fine");
- tough love ("you just need to snap out of it");
- agreeing that things are hopeless. You can say that it *feels* hopeless right now without agreeing \
that it *is*.""",
)

_FIRST_AID = Lesson(
    slug="first-aid",
    title="Five first-aid steps in a chat",
    summary="Five steps, based on widely used mental-health first-aid principles, that give a support chat its shape.",
    body="""\
Hearth's approach is based on widely used mental-health first-aid principles, which give you five steps. \
They aren't a strict script: you'll move back and forth between them, and listening runs through the whole \
chat.

1. **Approach, and check for risk.** Open warmly and let the member set the pace: "Hi, I'm here to listen. \
What's been going on?" All the way through, stay alert for any sign that they might be thinking of harming \
themselves. If you notice one, check straight away. The lesson on risk covers how.
2. **Listen without judging.** Use your active listening skills. Set aside your views on their choices; your \
job is to understand.
3. **Offer support and information.** Be honest and hopeful: what they feel is real, it isn't a weakness, \
and help exists. Share information only when it's useful and you're sure it's right, such as Hearth's \
**Get help now** page or the **My safety plan** tool. Never suggest starting, stopping or changing medication.
4. **Encourage professional help.** Ask whether they've thought about talking to a GP or doctor, a counsellor \
or another professional, and what might make that easier. If they aren't ready, respect that and don't push.
5. **Encourage other support.** Ask who else is on their side: friends, family, groups they belong to, \
Hearth's communities, things that have helped before. Peer support works best as one strand among several.

**How it might look.** A member says they've been struggling since losing their job. You greet them and let \
them talk, reflecting what you hear ("It sounds like it's shaken how you see yourself"), and you stay alert \
for risk. Once they feel heard, you ask what has helped before and who they can lean on, and you mention \
that a GP can help when low mood drags on. You haven't fixed anything, and that's fine: they've been heard, \
and they know where to turn next.""",
)

_RISK = Lesson(
    slug="risk",
    title="Risk, safety and handing over",
    summary="How to notice when someone may be at risk, how to ask about it, and how to bring in help at once.",
    body="""\
Most chats won't involve a crisis, but you need to know what to do if one does. You are never expected to \
handle it alone.

**Signs someone may be at risk** include:

- talking about wanting to die, or not wanting to be here any more;
- feeling trapped, hopeless or like a burden to others;
- mentioning a plan, or things they've done to prepare;
- saying goodbye, or putting their affairs in order.

**Ask directly.** If you're worried, ask calmly and plainly: "Are you thinking about suicide?" Asking doesn't \
put the idea in someone's head, and many people are relieved that someone is willing to talk about it. Then \
listen to the answer without panic or judgement.

**Keep it safe.** Don't ask about or discuss methods, and gently steer away if the member starts to describe \
them. Avoid graphic detail. Skip clichés such as "it gets better": they can sound like you aren't really \
listening. Say "died by suicide", not "committed suicide".

**What to do**

- **Stay with them.** Keep listening; don't end the chat or go quiet.
- **Point them to the crisis lines.** Hearth's **Get help now** page, one click from every screen, shows \
the lines for the country they're in.
- **Use "Hand over to a moderator"** in the chat, with a short reason. It alerts the moderator on duty and \
sends the member the crisis lines. Use it whenever you're unsure; it is never an overreaction. Stay in the \
chat until the moderator joins. If no moderator can be reached, keep sharing the crisis lines and stay with \
the member.
- **If they are in immediate danger**, urge them to call the emergency services now (the number is on Get \
help now) and hand over to a moderator straight away. Any decisions beyond the chat are for moderators, \
not you.

Be open with the member: say you're bringing in a moderator because you care about their safety.

**Abuse.** You don't have to put up with harassment, threats or sexual messages. You may end a chat that \
becomes abusive and report it to the moderators.""",
)

_ENDING = Lesson(
    slug="ending-well",
    title="Ending well and looking after yourself",
    summary="How to close a chat kindly, and how to keep listening without wearing yourself out.",
    body="""\
How a chat ends matters as much as how it starts. Aim to leave the member feeling heard, not cut off.

**Closing kindly**

- Give notice: "We've got about ten minutes left. Is there anything you'd like to make sure we talk about?"
- Sum up what you've heard and anything they've decided: "So you're going to call your GP tomorrow and text \
your sister tonight."
- Remind them where help is: Hearth's communities, their safety plan, and Get help now at any hour.
- Say goodbye warmly. Don't promise to be there for them personally later or at a set time; they can ask \
for a listener again whenever they need one.

If a chat raised worries about someone's safety, make sure you've handed it over to a moderator before you \
leave it.

Once a chat has ended, the member can rate it. Ratings help Hearth learn. One low rating isn't a verdict on \
you: hard chats sometimes score lower precisely because you held a boundary.

**Looking after yourself**

Listening to someone's pain takes energy, even when it goes well.

- **Debrief.** After a hard chat, talk it through with a moderator, sharing only what's needed. Naming what \
stayed with you helps you set it down.
- **Take breaks.** Step away between chats, and set yourself a limit on how many you take in one sitting.
- **Notice the signs** that you need a longer rest: dreading chats, feeling numb or irritable, or carrying \
members' stories around all day. Taking time off is responsible, not letting anyone down.
- **Get support yourself.** Listeners are members too. If a chat stirs up something painful, lean on your own \
supports, and use the crisis lines yourself if you need them.

Your training lasts twelve months. When it lapses, read the lessons again and retake the quiz to keep your \
skills fresh.""",
)

LESSONS: tuple[Lesson, ...] = (_ROLE, _LISTENING, _FIRST_AID, _RISK, _ENDING)


# --- Quiz ------------------------------------------------------------------------------------------------

QUIZ: tuple[Question, ...] = (
    Question(
        id="q1-medication",
        prompt=(
            'A member says: "My antidepressants make me feel flat. Should I just stop taking them?" '
            "What is the best reply?"
        ),
        options=(
            '"Lots of people feel better once they come off them, so it could be worth a try."',
            '"Feeling flat sounds really hard. Changing medication is something to talk over with the doctor '
            'or pharmacist who prescribed it. Would you feel able to do that?"',
            "\"Keep taking them exactly as you are. Your doctor knows best, so there's no need to question it "
            'or bring it up."',
        ),
        answer=1,
        explanation=(
            "Listeners don't give medical advice, either for or against a medication. You can acknowledge how "
            "they feel and encourage them to talk to the professional who prescribed it: stopping some "
            "medicines suddenly can cause harm."
        ),
    ),
    Question(
        id="q2-contact-details",
        prompt=(
            "At the end of a good chat, a member writes: \"You've really helped. Can I have your Instagram so we "
            'can keep talking?" What should you do?'
        ),
        options=(
            "Share it: they clearly trust you, and saying no might feel like rejection.",
            "Give them an email address you set up just for listening.",
            "Thank them warmly, explain that you keep chats on Hearth to keep you both safe, and remind them "
            "they can ask for a listener here any time.",
            "Ignore the request and change the subject.",
        ),
        answer=2,
        explanation=(
            "Listeners never share their own contact details or ask for a member's, and chats stay on Hearth. "
            "Saying so kindly, and pointing to how they can get support again, keeps you both safe without "
            "leaving them feeling brushed off."
        ),
    ),
    Question(
        id="q3-reflect",
        prompt=(
            "A member writes: \"I'm working double shifts and still can't cover the rent. I'm so tired of all "
            'of it." Which reply best shows active listening?'
        ),
        options=(
            '"That sounds exhausting: working flat out and still not getting on top of things. How have you '
            'been coping?"',
            '"Have you asked your landlord for more time? That\'s what I would do."',
            "\"At least you've got a job. Plenty of people don't.\"",
            '"I know exactly how you feel. I once had three jobs at the same time."',
        ),
        answer=0,
        explanation=(
            "Reflecting what you've heard, feelings as well as facts, and following with an open question shows "
            "you've understood and invites them to say more. The other replies jump to fixing, minimise their "
            "feelings or turn the chat towards you."
        ),
    ),
    Question(
        id="q4-hopeless",
        prompt='A member writes: "Nothing is ever going to change. What\'s the point?" What is the best reply?',
        options=(
            "\"You're right, some situations really don't get better.\"",
            '"Come on, you need to stop thinking like that and pull yourself together."',
            '"I promise things will be better by next month."',
            '"It sounds like everything feels hopeless right now. Can you tell me more about what\'s been happening?"',
        ),
        answer=3,
        explanation=(
            "Validate the feeling without agreeing that the situation is hopeless, and invite them to say "
            "more. Agreeing, tough love and promises you can't keep all get in the way. Words like these can "
            "also be a sign of risk: if you're worried, ask directly about suicide."
        ),
    ),
    Question(
        id="q5-check-risk",
        prompt=(
            'Early in a chat, a member says they\'ve "had enough of everything". Using the five first-aid '
            "steps, what should you do alongside listening?"
        ),
        options=(
            "Suggest a few self-help apps straight away, so they have something practical to try.",
            "Gently check whether they are having thoughts of harming themselves, since the first step "
            "includes checking for risk.",
            "Leave any questions about risk until the end of the chat, so you don't spoil the conversation.",
        ),
        answer=1,
        explanation=(
            "The first step is to approach and check for risk, and you keep checking throughout. A phrase like "
            '"had enough of everything" is worth asking about gently now, not at the end.'
        ),
    ),
    Question(
        id="q6-professional-help",
        prompt=(
            "A member has felt low for several months and hasn't told anyone. They say they aren't sure a doctor "
            "would take them seriously. What is the best reply?"
        ),
        options=(
            '"Doctors are useless with this kind of thing. You\'re better off talking to us."',
            "\"You need to book a GP appointment today. Tell me once it's booked, or I can't keep chatting with you.\"",
            "\"It's understandable to worry about that. A GP can help with low mood that has gone on this long. "
            'Would it help to think through what you might say?"',
            '"Try what worked for me: cold showers every morning and cutting out sugar."',
        ),
        answer=2,
        explanation=(
            "Encouraging professional help means acknowledging their worry and making the next step feel more "
            "manageable, without pressure or ultimatums. Running down professionals or pushing your own coping "
            "methods doesn't help them get the support they need."
        ),
    ),
    Question(
        id="q7-ask-directly",
        prompt=('A member writes: "I just want to go to sleep and not wake up." What should you do?'),
        options=(
            "Ask calmly and directly whether they are thinking about suicide, and keep listening.",
            "Avoid the word suicide, in case mentioning it puts the idea in their head.",
            "Change the subject to something more cheerful to lift their mood.",
            "End the chat straight away and leave them a link to the crisis lines.",
        ),
        answer=0,
        explanation=(
            "Wishing not to wake up can be a sign of suicidal thoughts. Asking directly and calmly is the right "
            "thing to do: it doesn't put the idea in anyone's head, and it shows you're willing to hear the "
            "answer. Staying with them matters too."
        ),
    ),
    Question(
        id="q8-hand-over",
        prompt=(
            "A member tells you they are thinking about suicide and have thought about how they would do it. "
            "They are still talking to you. What is the best thing to do?"
        ),
        options=(
            "Keep it between the two of you, because they asked you not to tell anyone.",
            "Tell them it gets better and that they have so much to live for.",
            "Explain that you aren't qualified for this and end the chat so a professional can take over.",
            'Stay with them, share the crisis lines for their country, and use "Hand over to a moderator" so '
            "the moderator on duty is alerted.",
        ),
        answer=3,
        explanation=(
            "Thoughts of suicide with a method in mind are a serious sign of risk. Stay with them, share the "
            'crisis lines and use "Hand over to a moderator": it alerts the moderator on duty and sends the '
            "member the crisis lines. You never keep this secret and never handle it alone."
        ),
    ),
    Question(
        id="q9-immediate-danger",
        prompt=(
            "A member tells you they have already done something to end their life in the last few minutes. "
            "What should you do?"
        ),
        options=(
            "Keep chatting calmly so they don't panic, and check in half an hour whether they feel any different.",
            "Search online for advice and talk them through what to do yourself.",
            "Urge them to call the emergency services now (the number is on Get help now), and hand over to "
            "a moderator straight away while you stay with them.",
            "End the chat, because this is beyond what a listener should handle.",
        ),
        answer=2,
        explanation=(
            "When someone is in immediate danger, every minute counts: urge them to call the emergency services "
            "at once and hand over to a moderator, staying with them meanwhile. Waiting, trying to handle it "
            "yourself, or leaving them alone are all unsafe."
        ),
    ),
    Question(
        id="q10-ending",
        prompt=(
            "You're forty minutes into a hard chat and feeling drained. The member seems calmer and isn't at "
            "risk. What is the best way to finish?"
        ),
        options=(
            "Keep going as long as they want, however tired you are: ending while someone still wants to talk "
            "would be selfish.",
            "Tell them you'll need to finish soon, sum up what they've said and plan to do, remind them where "
            "help is, say goodbye warmly, and then take a break.",
            "Stop replying and log off, since they seem fine now.",
            "Promise to be online at the same time tomorrow, just for them.",
        ),
        answer=1,
        explanation=(
            "A kind ending gives notice, sums up, points to ongoing help and says goodbye, so nobody is left "
            "hanging. Looking after yourself afterwards is part of the role, and personal promises about future "
            "chats are hard to keep."
        ),
    ),
)

PASS_MARK: int = 8


def lesson(slug: str) -> Lesson | None:
    """The lesson with this slug, or None."""
    return next((item for item in LESSONS if item.slug == slug), None)


MUST_ANSWER_RIGHT = frozenset({"q5-check-risk", "q7-ask-directly", "q8-hand-over", "q9-immediate-danger"})


def grade(answers: Mapping[str, int]) -> QuizResult:
    """Mark a quiz attempt: `answers` maps question id to the chosen option's index.

    Ids that aren't in the quiz are ignored; a missing answer, or one that isn't a valid option index,
    counts as wrong and is listed in `missed`, in quiz order."""
    missed: list[Question] = []
    for question in QUIZ:
        chosen = answers.get(question.id)
        # bool is an int subclass; a form that sends True must not count as option 1.
        valid = isinstance(chosen, int) and not isinstance(chosen, bool) and 0 <= chosen < len(question.options)
        if not valid or chosen != question.answer:
            missed.append(question)
    score = len(QUIZ) - len(missed)
    # Someone may be at risk in any chat: a listener must get every risk and referral question right.
    risk_missed = any(q.id in MUST_ANSWER_RIGHT for q in missed)
    return QuizResult(score=score, total=len(QUIZ), passed=score >= PASS_MARK and not risk_missed, missed=tuple(missed))
