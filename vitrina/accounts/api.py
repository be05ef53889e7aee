from django.utils.translation import gettext as _
from ninja import File, Router, UploadedFile
from ninja.responses import Status

from vitrina.accounts import services
from vitrina.accounts.auth import REQUIRED
from vitrina.accounts.schemas import MeOut, PasswordIn, SignupIn, SignupOut, TokenIn, TokenOut
from vitrina.core.errors import InvalidInput
from vitrina.core.http import client_ip

router = Router(tags=["accounts"])


@router.post("/auth/signup", response={201: SignupOut}, auth=None)
def signup(request, payload: SignupIn):
    user = services.user_signup(**payload.dict())
    return Status(201, {"token": services.token_issue(user=user, name="signup"), "account": user})


@router.post("/auth/token", response=TokenOut, auth=None)
def token(request, payload: TokenIn):
    user = services.login_check(username=payload.username, password=payload.password, ip=client_ip(request))
    return {"token": services.token_issue(user=user, name="api")}


@router.post("/me/password", response={204: None}, auth=REQUIRED)
def me_password(request, payload: PasswordIn):
    services.password_change(user=request.auth, old_password=payload.old_password, new_password=payload.new_password)
    return Status(204, None)


@router.post("/me/avatar", response=MeOut, auth=REQUIRED)
def me_avatar(request, image: UploadedFile = File(None)):
    if image is None:
        raise InvalidInput(_("Choose a photo to upload."), fields={"image": [_("This field is required.")]})
    return services.avatar_set(user=request.auth, upload=image)


@router.delete("/me/avatar", response=MeOut, auth=REQUIRED)
def me_avatar_delete(request):
    return services.avatar_remove(user=request.auth)
