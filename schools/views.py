from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from ectalign.access import role_required
from programme.schedule import academic_year_label
from schools import selectors, services
from schools.forms import TermDatesActionForm, TermDatesForm
from schools.models import DELIVERY_PARTNER_ROLES, Role

@role_required(*DELIVERY_PARTNER_ROLES)
def school_list(request):
    schools = selectors.schools_with_counts(tenant=request.tenant)
    return render(request, "schools/school_list.html", {"schools": schools})


@login_required
def school_detail(request, pk):
    school = selectors.get_school_for_user(request, pk)
    return render(
        request,
        "schools/school_detail.html",
        {"school": school, "people": selectors.school_people(school=school)},
    )


# The induction tutor keeps the school's calendar; the headteacher and the delivery
# partner's staff read it (the delivery partner sets its defaults on its own page).
TERM_DATES_EDITORS = frozenset({Role.INDUCTION_TUTOR})


@login_required
def term_dates(request, pk):
    """A school's term dates for this academic year and the next, with their source."""
    school = selectors.get_school_for_user(request, pk)
    can_amend = request.membership.role in TERM_DATES_EDITORS
    return _term_dates_page(request, school=school, can_amend=can_amend, template="schools/term_dates.html")


@role_required(*DELIVERY_PARTNER_ROLES)
def default_term_dates(request):
    """The delivery partner's default term dates, followed by schools without their own."""
    return _term_dates_page(request, school=None, can_amend=True, template="schools/term_dates_defaults.html")


def _term_dates_page(request, *, school, can_amend, template):
    years = selectors.term_date_years()
    invalid_form = None
    if request.method == "POST":
        if not can_amend:
            raise PermissionDenied("Only the school's induction tutor can change its term dates.")
        invalid_form = _post_term_dates(request, school=school, years=years)
        if invalid_form is None:
            return redirect(request.path)

    if school is not None:
        calendars = selectors.calendars_for(school=school, years=years)
        own_dates = {}
    else:
        calendars = selectors.default_calendars_for(tenant=request.tenant, years=years)
        own_dates = selectors.schools_with_own_term_dates(tenant=request.tenant, years=years)
    sections = []
    for year in years:
        form = None
        if can_amend:
            form = invalid_form if invalid_form is not None and invalid_form.academic_year == year else (
                TermDatesForm(academic_year=year, calendar=calendars[year], prefix=f"y{year}")
            )
        sections.append({"calendar": calendars[year], "form": form, "schools_with_own_dates": own_dates.get(year, [])})
    return render(request, template, {"school": school, "sections": sections, "can_amend": can_amend})


def _post_term_dates(request, *, school, years):
    """Save or reset one year's dates. Returns the bound form when it has errors to show,
    None when done (with a message)."""
    action = TermDatesActionForm(request.POST, years=years)
    if not action.is_valid():
        messages.error(request, "Choose one of the academic years on this page and save its dates again.")
        return None
    year = action.cleaned_data["academic_year"]
    label = academic_year_label(year)
    if action.cleaned_data["action"] == TermDatesActionForm.RESET:
        try:
            services.reset_term_dates(actor=request.user, tenant=request.tenant, school=school, academic_year=year)
        except services.SchoolsError as exc:
            messages.error(request, str(exc))
            return None
        if school is not None:
            messages.success(request, f"{school.name} now follows the delivery partner's term dates for {label}.")
        else:
            messages.success(
                request,
                f"The default term dates for {label} are removed: schools without their own dates "
                "follow the standard pattern, shown as provisional.",
            )
        return None

    form = TermDatesForm(request.POST, academic_year=year, prefix=f"y{year}")
    if not form.is_valid():
        return form
    try:
        services.set_term_dates(
            actor=request.user,
            tenant=request.tenant,
            school=school,
            academic_year=year,
            terms=form.terms(),
            inset_days=form.cleaned_data["inset_days"],
        )
    except services.TermDatesError as exc:
        form.add_service_errors(exc.errors)
        return form
    if school is not None:
        messages.success(request, f"{school.name}'s term dates for {label} are saved.")
    else:
        messages.success(
            request, f"The default term dates for {label} are saved: schools without their own dates follow them."
        )
    return None
