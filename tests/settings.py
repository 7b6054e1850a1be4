"""Test settings: the real settings, with a throwaway RETRODUCE_HOME and a fast password hasher."""

import os
import tempfile

os.environ.setdefault("RETRODUCE_HOME", tempfile.mkdtemp(prefix="retroduce-test-home-"))

from retroduce.site.settings import *  # noqa: E402,F403

# Hashing cost is not under test; real hashing is exercised by the subprocess and browser tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
