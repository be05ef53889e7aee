from django import forms
from django.utils.translation import gettext_lazy as _

from vitrina.posts.frames import FrameChoice


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PostForm(forms.Form):
    # Counts, sizes and types are checked by the service, so pages and API say the same.
    caption = forms.CharField(label=_("Caption"), required=False, max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2200}))
    location = forms.CharField(label=_("Location"), required=False, max_length=500)
    # Where each photo sits in the frame comes as `crop` fields, one per photo, checked by the service.
    frame = forms.ChoiceField(label=_("Frame"), choices=FrameChoice.choices, initial=FrameChoice.ORIGINAL,
                              required=False, widget=forms.RadioSelect)


class PostEditForm(forms.Form):
    caption = forms.CharField(label=_("Caption"), required=False, max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2200}))
    comments_enabled = forms.BooleanField(label=_("Allow comments"), required=False)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Add a comment…"), max_length=10000)
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
