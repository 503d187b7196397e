import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
application = get_wsgi_application()

# Load every view now (with pypinyin's and OpenCC's large dictionaries) and move these
# long-lived objects out of the collector's reach: a full collection walking them added
# 130–210 ms to an unlucky request.
import_module(settings.ROOT_URLCONF)
gc.freeze()
