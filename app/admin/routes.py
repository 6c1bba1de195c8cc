"""Admin pages: accounts, roles, cohorts and CSV import."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import Response

from app.admin import forms, importer, service
from app.auth.service import set_password
from app.content.forms import CsrfForm
from app.content.numbers import parse_id
from app.deps import AdminUser, RowId, SessionDep, SettingsDep
from app.invitations import service as invitations
from app.models import Cohort, Role, User
from app.security.passwords import PasswordPolicyError, check_policy
from app.web import is_htmx, redirect, render

router = APIRouter(prefix="/admin")

CohortBody = Annotated[forms.CohortForm, Form()]


def _user_or_404(session: SessionDep, user_id: int) -> User:
    user = service.get_user(session, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    return user


def _cohort_or_404(session: SessionDep, cohort_id: int) -> Cohort:
    cohort = service.get_cohort(session, cohort_id)
    if cohort is None:
        raise HTTPException(status_code=404)
    return cohort


# Users ---------------------------------------------------------------------------------

@router.get("/users")
def users(
    request: Request,
    admin: AdminUser,
    session: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
    role: str = "",
    cohort: str = "",
    status: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    role_filter = Role(role) if role in Role.__members__ else None
    cohort_id = parse_id(cohort)
    status = status if status in service.USER_FILTERS else ""
    result = service.list_users(session, query=q, role=role_filter, cohort_id=cohort_id,
                                status=status, page=page)
    context = {
        "page": result, "q": q, "role": role_filter.value if role_filter else "",
        "cohort": cohort_id, "roles": list(Role), "cohorts": service.list_cohorts(session),
        "status": status, "statuses": service.USER_FILTERS,
    }
    wants_results = is_htmx(request) and request.headers.get("HX-Target") == "results"
    block = "results" if wants_results else None
    return render(request, "admin/users.html", context, block=block)


def _user_form_context(session: SessionDep, data: service.UserInput, *,
                       user: User | None = None, password_error: str | None = None) -> dict:
    return {
        "form": data, "user": user, "roles": list(Role),
        "cohorts": service.list_cohorts(session), "password_error": password_error,
        "row": service.user_rows(session, [user])[0] if user is not None else None,
    }


@router.get("/users/new")
def new_user_form(request: Request, admin: AdminUser, session: SessionDep) -> Response:
    return render(request, "admin/user_new.html",
                  _user_form_context(session, service.UserInput()))


@router.post("/users/new")
def create_user(request: Request, admin: AdminUser, session: SessionDep, settings: SettingsDep,
                form: Annotated[forms.NewAccountForm, Form()]) -> Response:
    data = service.UserInput(email=form.email, full_name=form.full_name, role=form.role,
                             department=form.department, cohorts=form.cohort_ids())
    data.clean(session)
    password_error = None
    try:
        check_policy(form.password)
    except PasswordPolicyError as exc:
        password_error = str(exc)
    if data.errors or password_error:
        return render(request, "admin/user_new.html",
                      _user_form_context(session, data, password_error=password_error),
                      status_code=400)
    user = service.create_user(session, settings, email=data.email, full_name=data.full_name,
                               role=Role(data.role.strip().lower()),
                               department=data.department, password=form.password,
                               cohort_ids=data.cohorts)
    return redirect(request, f"/admin/users/{user.id}", notice="user-created")


@router.get("/users/import")
def import_form(request: Request, admin: AdminUser) -> Response:
    return render(request, "admin/user_import.html", {"plan": None, "text": ""})


@router.post("/users/import")
async def import_users(
    request: Request, admin: AdminUser, session: SessionDep, settings: SettingsDep,
    form: Annotated[forms.ImportForm, Form()],
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    text, error = form.text, None
    if file is not None and file.filename:
        data = await file.read(settings.max_csv_bytes + 1)
        text, error = importer.decode_upload(data, limit=settings.max_csv_bytes)
    elif not text:
        error = "Choose a CSV file to import."
    if error:
        return render(request, "admin/user_import.html",
                      {"plan": None, "text": "", "file_error": error},
                      status_code=400)
    plan = importer.plan_import(session, text)
    valid_only = form.confirm == "valid-only"
    if plan.file_errors or (plan.has_errors and not valid_only) or not plan.valid_rows:
        status = 400 if plan.has_errors else 200
        return render(request, "admin/user_import.html",
                      {"plan": plan, "text": text}, status_code=status)
    importer.apply_import(session, settings, plan, valid_only=valid_only)
    entry = importer.record_outcome(session, plan)
    return redirect(request, f"/admin/users/import/results/{entry.id}")


@router.get("/users/import/results/{entry_id}")
def import_results(request: Request, entry_id: RowId, admin: AdminUser,
                   session: SessionDep) -> Response:
    """What an import did (after its redirect: a refresh shows it again, imports nothing)."""
    result = importer.outcome(session, entry_id=entry_id)
    if result is None:
        raise HTTPException(status_code=404)
    return render(request, "admin/user_import.html", {
        "plan": None, "text": "", "outcome": result,
        "to_invite": invitations.invitable(session, user_ids=result.user_ids)})


@router.get("/users/{user_id}")
def user_detail(request: Request, user_id: RowId, admin: AdminUser,
                session: SessionDep) -> Response:
    user = _user_or_404(session, user_id)
    data = service.UserInput(email=user.email, full_name=user.full_name, role=user.role.value,
                             department=user.department or "",
                             cohorts=service.user_cohort_ids(session, user.id))
    return render(request, "admin/user_edit.html", _user_form_context(session, data, user=user))


@router.post("/users/{user_id}")
def update_user(request: Request, user_id: RowId, admin: AdminUser, session: SessionDep,
                form: Annotated[forms.AccountForm, Form()]) -> Response:
    user = _user_or_404(session, user_id)
    data = service.UserInput(email=form.email, full_name=form.full_name, role=form.role,
                             department=form.department, cohorts=form.cohort_ids())
    data.clean(session, existing=user)
    new_role = Role(form.role.strip().lower()) if "role" not in data.errors else user.role
    if (user.role == Role.admin and new_role != Role.admin and user.is_active
            and service.count_active_admins(session) <= 1):
        data.errors["role"] = "This is the only active admin; make someone else admin first."
    if data.errors:
        return render(request, "admin/user_edit.html",
                      _user_form_context(session, data, user=user), status_code=400)
    service.update_user(session, user=user, email=data.email, full_name=data.full_name,
                        role=new_role, department=data.department, cohort_ids=data.cohorts)
    return redirect(request, f"/admin/users/{user.id}", notice="user-saved")


@router.post("/users/{user_id}/password")
def reset_password(request: Request, user_id: RowId, admin: AdminUser, session: SessionDep,
                   settings: SettingsDep,
                   form: Annotated[forms.PasswordForm, Form()]) -> Response:
    user = _user_or_404(session, user_id)
    try:
        set_password(session, settings, user=user, password=form.password)
    except PasswordPolicyError as exc:
        data = service.UserInput(email=user.email, full_name=user.full_name,
                                 role=user.role.value, department=user.department or "",
                                 cohorts=service.user_cohort_ids(session, user.id))
        return render(request, "admin/user_edit.html",
                      _user_form_context(session, data, user=user, password_error=str(exc)),
                      status_code=400)
    return redirect(request, f"/admin/users/{user.id}", notice="password-reset")


@router.post("/users/{user_id}/active")
def set_active(request: Request, user_id: RowId, admin: AdminUser, session: SessionDep,
               form: Annotated[forms.ActiveForm, Form()]) -> Response:
    user = _user_or_404(session, user_id)
    active = form.active
    if active not in ("0", "1"):
        raise HTTPException(status_code=400, detail="Choose to enable or disable the account.")
    if active == "0" and user.id == admin.id:
        raise HTTPException(status_code=400, detail="You cannot disable your own account.")
    service.set_active(session, user=user, active=active == "1")
    return redirect(request, f"/admin/users/{user.id}",
                    notice="user-enabled" if active == "1" else "user-disabled")


# Cohorts -------------------------------------------------------------------------------

@router.get("/cohorts")
def cohorts(request: Request, admin: AdminUser, session: SessionDep) -> Response:
    return render(request, "admin/cohorts.html",
                  {"rows": service.list_cohorts_with_counts(session), "errors": {},
                   "name": "", "start_date": ""})


@router.post("/cohorts")
def create_cohort(request: Request, admin: AdminUser, session: SessionDep,
                  form: CohortBody) -> Response:
    name, start_date = form.name, form.start_date
    errors = _cohort_errors(session, name, start_date)
    if errors:
        return render(request, "admin/cohorts.html",
                      {"rows": service.list_cohorts_with_counts(session), "errors": errors,
                       "name": name, "start_date": start_date}, status_code=400)
    service.create_cohort(session, name=forms.clean_cohort_name(name)[0],
                          start_date=forms.clean_optional_date(start_date)[0])
    return redirect(request, "/admin/cohorts", notice="cohort-created")


def _cohort_errors(session: SessionDep, name: str, start_date: str,
                   existing: Cohort | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    clean_name, error = forms.clean_cohort_name(name)
    if error:
        errors["name"] = error
    else:
        other = service.get_cohort_by_name(session, clean_name)
        if other is not None and (existing is None or other.id != existing.id):
            errors["name"] = "A cohort with this name already exists."
    _, error = forms.clean_optional_date(start_date)
    if error:
        errors["start_date"] = error
    return errors


@router.get("/cohorts/{cohort_id}")
def cohort_detail(request: Request, cohort_id: RowId, admin: AdminUser,
                  session: SessionDep) -> Response:
    cohort = _cohort_or_404(session, cohort_id)
    members = service.list_users(session, cohort_id=cohort.id, per_page=500)
    return render(request, "admin/cohort_edit.html",
                  {"cohort": cohort, "members": members, "errors": {}, "name": cohort.name,
                   "start_date": cohort.start_date.isoformat() if cohort.start_date else ""})


@router.post("/cohorts/{cohort_id}")
def update_cohort(request: Request, cohort_id: RowId, admin: AdminUser, session: SessionDep,
                  form: CohortBody) -> Response:
    cohort = _cohort_or_404(session, cohort_id)
    name, start_date = form.name, form.start_date
    errors = _cohort_errors(session, name, start_date, existing=cohort)
    if errors:
        members = service.list_users(session, cohort_id=cohort.id, per_page=500)
        return render(request, "admin/cohort_edit.html",
                      {"cohort": cohort, "members": members, "errors": errors, "name": name,
                       "start_date": start_date}, status_code=400)
    service.update_cohort(session, cohort=cohort, name=forms.clean_cohort_name(name)[0],
                          start_date=forms.clean_optional_date(start_date)[0])
    return redirect(request, f"/admin/cohorts/{cohort.id}", notice="cohort-saved")


@router.post("/cohorts/{cohort_id}/delete")
def delete_cohort(request: Request, cohort_id: RowId, admin: AdminUser,
                  session: SessionDep, form: Annotated[CsrfForm, Form()]) -> Response:
    cohort = _cohort_or_404(session, cohort_id)
    service.delete_cohort(session, cohort=cohort)
    return redirect(request, "/admin/cohorts", notice="cohort-deleted")
