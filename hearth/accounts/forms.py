from allauth.account.forms import LoginForm as BaseLoginForm, SignupForm as BaseSignupForm

class SignupForm(BaseSignupForm):
    pass

class LoginForm(BaseLoginForm):
    pass
