"""Import the SAM translator without the libraries it imports but seldom or never uses here.

The translator imports boto3 and botocore at module level (~0.12 s of its ~0.35 s) for what samcheck
never lets it do: calling the Serverless Application Repository and AppConfig, or asking boto3 for
the Region (samcheck gives it); and jsonschema (~0.035 s) only to validate its bundled policy
templates, which samcheck has done when a template first uses one. While the translator is
imported, those modules are stand-ins:
``import boto3`` binds a proxy module and ``from botocore.config import Config`` a stand-in class.
The first real use of any of them (a call, an attribute) imports the real SDK and puts the real
objects in place of the stand-ins wherever the translator's modules hold them, so that the
translator behaves exactly as with the SDK imported up front, only later. Stand-ins are exception
classes until then: an ``except ClientError`` clause that meets another exception stays a clause
that does not match it (a real ClientError can only exist once the SDK is loaded, and by then the
name is the real class again).
"""

from __future__ import annotations

import importlib
import sys
import types
from functools import cache
from typing import Any

TRANSLATOR = "samtranslator.translator.translator"
# What the translator imports of them (aws-sam-translator 1.115): the modules, by full name.
DEFERRED = (
    "boto3",
    "botocore",
    "botocore.client",
    "botocore.config",
    "botocore.exceptions",
    "jsonschema",
    "jsonschema.exceptions",
)

_proxies: dict[str, _ProxyModule] = {}
_stand_ins: dict[tuple[str, str], type] = {}
_importing = False  # inside :func:`import_translator`: attribute reads hand out stand-ins


@cache
def import_translator() -> None:
    """Import the translator (once) with those modules deferred. A translator that imports some other
    part of them (a later version) fails under the stand-ins: it is then imported as is."""
    global _importing
    missing = [name for name in DEFERRED if name not in sys.modules]
    for name in missing:
        _proxies[name] = sys.modules[name] = _ProxyModule(name)
    _importing = True
    try:
        importlib.import_module(TRANSLATOR)
        deferred = True
    except ImportError:
        deferred = False
    finally:
        _importing = False
        for name in missing:
            del sys.modules[name]
    if not deferred:
        for name in [name for name in sys.modules if _of_translator(name)]:
            del sys.modules[name]
        _proxies.clear()
        _stand_ins.clear()
        importlib.import_module(TRANSLATOR)


def _of_translator(module: str) -> bool:
    return module == "samtranslator" or module.startswith("samtranslator.")


def _load() -> None:
    """Import the real modules and put them in place of every proxy and stand-in the translator holds."""
    real = {name: importlib.import_module(name) for name in _proxies}
    replacements: dict[int, Any] = {id(proxy): real[name] for name, proxy in _proxies.items()}
    for (deferred, attribute), stand_in in _stand_ins.items():
        replacements[id(stand_in)] = getattr(real[deferred], attribute)
    for module in list(sys.modules.values()):
        if isinstance(module, types.ModuleType) and _of_translator(module.__name__):
            namespace = vars(module)
            for key, held in list(namespace.items()):
                if id(held) in replacements:
                    namespace[key] = replacements[id(held)]
    _proxies.clear()  # only now: until here they keep the ids above from being reused
    _stand_ins.clear()


def _real(module: str) -> types.ModuleType:
    if module in _proxies:
        _load()
    return sys.modules.get(module) or importlib.import_module(module)


class _StandInType(type):
    """The class of a stand-in: using it (calling it, reading an attribute) loads the real modules."""

    _deferred_module: str

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return getattr(_real(cls._deferred_module), cls.__name__)(*args, **kwargs)

    def __getattr__(cls, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return getattr(getattr(_real(cls._deferred_module), cls.__name__), attribute)


class _ProxyModule(types.ModuleType):
    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):  # not a package: `from boto3 import X` reads X, nothing else
            raise AttributeError(attribute)
        if _importing:
            key = (self.__name__, attribute)
            if key not in _stand_ins:
                _stand_ins[key] = _StandInType(attribute, (Exception,), {"_deferred_module": self.__name__})
            return _stand_ins[key]
        return getattr(_real(self.__name__), attribute)
