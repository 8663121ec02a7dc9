from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ectalign.access import role_required
from schools import selectors
from schools.models import DELIVERY_PARTNER_ROLES


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
