import factory
from factory.django import DjangoModelFactory

from ectalign.models import User


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    full_name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.django.Password("correct-horse-battery")
