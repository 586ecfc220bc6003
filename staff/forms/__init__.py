"""The staff app's forms: who works here (people) and signing in (sign_in)."""
