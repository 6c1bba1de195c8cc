"""Invitations: the admin's invite form, resend and revoke, invitations from a CSV import,
and the invitee's "set your password" page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Path, Request
from fastapi.responses import Response

from app.admin import service as admin_service
from app.admin.forms import AccountForm
from app.auth.forms import NewPasswordForm
from app.auth.signin import signed_in_redirect
from app.deps import AdminUser, Public, RowId, SessionDep, SettingsDep
from app.invitations import service
from app.invitations.forms import BackForm, InviteImportedForm
from app.models import Role
from app.web import redirect, render

router = APIRouter()

UserId = RowId


def _form(session: SessionDep, data: admin_service.UserInput) -> dict:
    return {"form": data, "roles": list(Role), "cohorts": admin_service.list_cohorts(session)}


@router.get("/admin/users/invite")
def invite_form(request: Request, admin: AdminUser, session: SessionDep) -> Response:
    return render(request, "invitations/invite.html", _form(session, admin_service.UserInput()))


@router.post("/admin/users/invite")
def invite(
    request: Request, admin: AdminUser, session: SessionDep, settings: SettingsDep,
    form: Annotated[AccountForm, Form()],
) -> Response:
    data = admin_service.UserInput(email=form.email, full_name=form.full_name, role=form.role,
                                   department=form.department, cohorts=form.cohort_ids())
    existing = (admin_service.get_user_by_email(session, form.email) if form.email.strip()
                else None)
    data.clean(session, existing=existing)  # an account without a password may be invited
    if existing is not None and "email" not in data.errors:
        reason = service.why_not_invite(session, user=existing)
        if reason:
            data.errors["email"] = reason
    if data.errors:
        return render(request, "invitations/invite.html", _form(session, data), status_code=400)
    fields = {"email": data.email, "full_name": data.full_name, "role": Role(data.role),
              "department": data.department, "cohort_ids": data.cohorts}
    if existing is None:
        user = admin_service.create_user(session, settings, **fields)
    else:
        user = existing
        admin_service.update_user(session, user=user, **fields)
    service.invite(session, settings, user=user, invited_by=admin)
    return redirect(request, "/admin/users", notice="invited")


@router.post("/admin/users/{user_id}/invitation")
def resend(request: Request, user_id: UserId, admin: AdminUser, session: SessionDep,
           settings: SettingsDep, form: Annotated[BackForm, Form()]) -> Response:
    user = admin_service.get_user(session, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    if service.has_account(session, user=user):
        raise HTTPException(status_code=400,
                            detail=f"{user.email} already has an account: nothing to resend.")
    service.invite(session, settings, user=user, invited_by=admin)
    return redirect(request, _back(form.back, user_id), notice="invitation-resent")


@router.post("/admin/users/{user_id}/invitation/revoke")
def revoke(request: Request, user_id: UserId, admin: AdminUser, session: SessionDep,
           form: Annotated[BackForm, Form()]) -> Response:
    user = admin_service.get_user(session, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    done = service.revoke(session, user=user)
    return redirect(request, _back(form.back, user_id),
                    notice="invitation-revoked" if done else "nothing-to-revoke")


def _back(back: str, user_id: int) -> str:
    return "/admin/users" if back == "list" else f"/admin/users/{user_id}"


@router.post("/admin/users/import/invite")
def invite_imported(request: Request, admin: AdminUser, session: SessionDep,
                    settings: SettingsDep,
                    form: Annotated[InviteImportedForm, Form()]) -> Response:
    """The import report's "Send invitations": everyone the import touched who has no
    account yet."""
    ids = form.ids()
    if not ids:
        raise HTTPException(status_code=400, detail="There is nobody to invite.")
    result = service.invite_many(session, settings, user_ids=ids, invited_by=admin)
    return render(request, "invitations/bulk_sent.html", {"result": result})


# The invitee -----------------------------------------------------------------------------

Token = Annotated[str, Path(max_length=100)]


@router.get("/invitations/{token}", dependencies=[Public])
def accept_form(request: Request, token: Token, session: SessionDep) -> Response:
    found = service.find(session, token=token)
    if found is None:
        return render(request, "invitations/accept.html", {"found": None}, status_code=400)
    return render(request, "invitations/accept.html", {"found": found, "errors": {}})


@router.post("/invitations/{token}", dependencies=[Public])
def accept(
    request: Request, token: Token, session: SessionDep, settings: SettingsDep,
    form: Annotated[NewPasswordForm, Form()],
) -> Response:
    found = service.find(session, token=token, lock=True)
    if found is None:
        return render(request, "invitations/accept.html", {"found": None}, status_code=400)
    errors = service.accept(session, settings, found=found, password=form.password,
                            confirm=form.confirm_password)
    if errors:
        return render(request, "invitations/accept.html", {"found": found, "errors": errors},
                      status_code=400)
    return signed_in_redirect(request, session, settings, user=found.user, url="/",
                              notice="welcome")
