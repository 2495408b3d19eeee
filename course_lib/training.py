"""Training helpers: a train-or-load cache so later lessons reuse models that earlier lessons trained."""

import json
import os
import time
import warnings

from course_lib import config

RETRAIN_VARIABLE = "COURSE_RETRAIN"


def cached_model_path(name, version=1):
    """Returns where the cache keeps a model: `<cache_dir>/<mode>/<name>-v<version>.keras`.

    Args:
        name: a short identifier such as `"classifier_mnist"`.
        version: bump it when the model's architecture or training recipe changes.
    """
    return config.cache_dir() / f"{name}-v{version}.keras"


def _should_retrain():
    return os.environ.get(RETRAIN_VARIABLE, "").strip().lower() in {"1", "true", "yes", "on"}


def train_or_load(name, build_and_train, version=1, verbose=True):
    """Loads a trained model from the course cache, or trains it once and saves it there.

    Smoke-mode and full-mode models are cached separately. Set `COURSE_RETRAIN=1` to ignore the cache.

    Args:
        name: a short identifier such as `"classifier_mnist"`.
        build_and_train: a function with no arguments that builds, trains and returns a `keras.Model`.
            It may instead return `(model, info)` where `info` is a JSON-friendly dict (e.g. test accuracy)
            saved beside the model.
        version: bump it when the architecture or recipe changes, so stale models are not reused.
        verbose: print what happened.

    Returns:
        `(model, info)`: the model and its info dict, which always holds `"train_seconds"` and `"loaded"`.
    """
    import keras

    path = cached_model_path(name, version)
    info_path = path.with_suffix(".json")
    if path.exists() and not _should_retrain():
        try:
            model = keras.saving.load_model(path)
        except Exception as error:  # a cache written by another version, or a half-written file
            warnings.warn(f"could not load the cached {path.name} ({error}); training it again.", stacklevel=2)
        else:
            info = json.loads(info_path.read_text()) if info_path.exists() else {}
            info["loaded"] = True
            if verbose:
                print(f"Loaded {name} from the course cache ({path}).")
            return model, info
    if verbose:
        print(f"Training {name} (it is saved to {path} so later lessons can reuse it)...")
    start = time.perf_counter()
    result = build_and_train()
    model, info = result if isinstance(result, tuple) else (result, {})
    info = dict(info, train_seconds=round(time.perf_counter() - start, 1), mode=config.mode_name())
    # Write to a temporary name first, so a crash or a parallel run never leaves half a file behind.
    temporary = path.with_name(f".{path.stem}-{os.getpid()}.keras")
    model.save(temporary)
    os.replace(temporary, path)
    info_path.write_text(json.dumps(info, indent=2))
    info["loaded"] = False
    return model, info
