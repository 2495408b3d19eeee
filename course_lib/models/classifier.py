"""The course's reference classifier: a compact CNN for MNIST and Fashion-MNIST, trained once and cached.

Lesson 03 builds it; later lessons reuse it to judge generated images (lesson 10 computes FID in the
space of its `"features"` layer) without training it again:

    from course_lib.models import classifier
    model = classifier.load_reference_classifier("mnist")          # trains once, then loads from the cache
    features = classifier.feature_extractor(model)(images)          # (N, 128)
"""

import numpy as np

from course_lib import config, data, training

INPUT_SHAPE = (28, 28, 1)
NUM_CLASSES = 10
FEATURES_LAYER = "features"
BATCH_SIZE = 128
PEAK_LEARNING_RATE = 3e-3
# Batch normalisation's moving averages forget old batches at this rate. Keras' default, 0.99, needs several
# hundred steps to settle, too slow for a few epochs (and far too slow for smoke mode's 16 steps).
BATCH_NORM_MOMENTUM = 0.9

# Full-mode epochs per data set: measured to reach >= 99.0 % (MNIST) and >= 90 % (Fashion-MNIST)
# test accuracy in under three minutes on 2 CPU cores (see benchmarks/RESULTS.md).
FULL_EPOCHS = {"mnist": 4, "fashion_mnist": 4}
SMOKE_EPOCHS = 1
SMOKE_TRAIN_SIZE = 2_000
SMOKE_TEST_SIZE = 2_000

# Bump when the architecture or the training recipe changes, so stale cached models are retrained.
CACHE_VERSION = 1


def _conv_block(x, filters, name):
    """3x3 convolution, 2x2 max-pooling, then batch normalisation and ReLU.

    Pooling *before* normalising gives the same kind of block as Conv-BN-ReLU-Pool but normalises
    four times fewer values: on a CPU a training step takes about half the time (measured in lesson 03).
    """
    from keras import layers

    x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv")(x)
    x = layers.MaxPooling2D(2, name=f"{name}_pool")(x)
    x = layers.BatchNormalization(momentum=BATCH_NORM_MOMENTUM, name=f"{name}_norm")(x)
    return layers.ReLU(name=f"{name}_relu")(x)


def build_reference_classifier(
    input_shape=INPUT_SHAPE,
    num_classes=NUM_CLASSES,
    filters=(32, 64),
    feature_dim=128,
    dropout=0.3,
    name="reference_classifier",
):
    """Builds the reference CNN: two Conv-Pool-BN-ReLU blocks, a dense feature layer and a softmax.

    Architecture (for the default arguments):
    `(N, 28, 28, 1)` → Conv 32 → pool → `(N, 14, 14, 32)` → Conv 64 → pool → `(N, 7, 7, 64)`
    → flatten → Dense 128 + ReLU (the `"features"` layer, `(N, 128)`) → dropout → Dense 10 + softmax.

    Args:
        input_shape: shape of one image; images are floats in [0, 1] (what `data.scale_images` returns).
        num_classes: number of classes.
        filters: filters of each convolution block; each block halves height and width.
        feature_dim: width of the penultimate `"features"` layer.
        dropout: dropout rate between the features and the output layer.
        name: the model's name.

    Returns:
        An uncompiled functional `keras.Model` mapping `(N, *input_shape)` images to `(N, num_classes)`
        class probabilities.
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=input_shape, name="images")
    x = inputs
    for index, count in enumerate(filters, start=1):
        x = _conv_block(x, count, name=f"block{index}")
    shrink = 2 ** len(filters)
    assert x.shape[1:] == (input_shape[0] // shrink, input_shape[1] // shrink, filters[-1]), x.shape
    x = layers.Flatten(name="flatten")(x)
    features = layers.Dense(feature_dim, activation="relu", name=FEATURES_LAYER)(x)
    x = layers.Dropout(dropout, name="dropout")(features)
    outputs = layers.Dense(num_classes, activation="softmax", name="probabilities")(x)
    model = keras.Model(inputs, outputs, name=name)
    assert model.output_shape == (None, num_classes), model.output_shape
    return model


def one_cycle_schedule(total_steps, peak_learning_rate=PEAK_LEARNING_RATE):
    """Returns a one-cycle learning-rate schedule: a linear warm-up, then a cosine decay to zero.

    The warm-up climbs from a tenth of the peak to the peak over the first 20 % of the steps (at least one);
    the cosine then brings the rate down to zero at the last step. A few epochs with it reach the accuracy
    that a constant rate needs many more epochs for.

    Args:
        total_steps: the number of training steps (batches) the schedule spans.
        peak_learning_rate: the highest learning rate, reached at the end of the warm-up.

    Returns:
        A `keras.optimizers.schedules.CosineDecay`, callable on a step number.
    """
    import keras

    total_steps = max(1, int(total_steps))
    warmup_steps = max(1, total_steps // 5)
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=peak_learning_rate / 10,
        decay_steps=max(1, total_steps - warmup_steps),
        warmup_target=peak_learning_rate,
        warmup_steps=warmup_steps,
    )


def compile_reference_classifier(
    model, steps_per_epoch, epochs, peak_learning_rate=PEAK_LEARNING_RATE
):
    """Compiles a classifier the reference way: Adam with a one-cycle learning rate (`one_cycle_schedule`).

    Args:
        model: a classifier with softmax outputs, such as `build_reference_classifier()`.
        steps_per_epoch: batches per epoch.
        epochs: number of epochs the schedule is laid out for.
        peak_learning_rate: the highest learning rate, reached at the end of the warm-up.

    Returns:
        The same model, compiled with sparse categorical cross-entropy and accuracy.
    """
    import keras

    schedule = one_cycle_schedule(int(steps_per_epoch) * int(epochs), peak_learning_rate)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=schedule),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def reference_epochs(dataset_name):
    """Returns the number of training epochs for a data set in the current mode (1 in smoke mode)."""
    key = data.dataset_info(dataset_name).name
    return config.pick(full=FULL_EPOCHS[key], smoke=SMOKE_EPOCHS)


def train_reference_classifier(dataset_name, epochs=None, batch_size=BATCH_SIZE, verbose=1):
    """Builds and trains the reference classifier from scratch (no cache), then measures it on the test set.

    Full mode trains on all 60,000 training images and tests on all 10,000 test images; smoke mode trains
    on 2,000 images for one epoch and tests on 2,000.

    Args:
        dataset_name: `"mnist"` or `"fashion_mnist"`.
        epochs: number of epochs; defaults to `reference_epochs(dataset_name)`.
        batch_size: examples per batch.
        verbose: Keras' `fit` verbosity (0 silent, 1 progress bar, 2 one line per epoch).

    Returns:
        `(model, info)`: the trained model and a dict with `dataset`, `epochs`, `train_size`,
        `test_size`, `test_accuracy`, `test_loss` and `fit_seconds`.
    """
    import time

    key = data.dataset_info(dataset_name).name
    epochs = reference_epochs(key) if epochs is None else int(epochs)
    (x_train, y_train), (x_test, y_test) = data.load_dataset(key)
    if config.is_smoke():
        x_train, y_train = data.take_subset(x_train, y_train, size=SMOKE_TRAIN_SIZE)
        x_test, y_test = data.take_subset(x_test, y_test, size=SMOKE_TEST_SIZE)
    train = data.make_dataset(data.scale_images(x_train), y_train, batch_size=batch_size)
    test = data.make_dataset(
        data.scale_images(x_test), y_test, batch_size=512, shuffle=False, cache=False
    )

    model = build_reference_classifier(name=f"reference_classifier_{key}")
    steps_per_epoch = int(np.ceil(len(x_train) / batch_size))
    compile_reference_classifier(model, steps_per_epoch=steps_per_epoch, epochs=epochs)
    start = time.perf_counter()
    # shuffle=False only tells Keras not to warn: the pipeline itself reshuffles every epoch.
    history = model.fit(train, epochs=epochs, shuffle=False, verbose=verbose)
    fit_seconds = time.perf_counter() - start
    test_loss, test_accuracy = model.evaluate(test, verbose=0)
    info = {
        "dataset": key,
        "epochs": epochs,
        "train_size": len(x_train),
        "test_size": len(x_test),
        "test_accuracy": round(float(test_accuracy), 4),
        "test_loss": round(float(test_loss), 4),
        "fit_seconds": round(fit_seconds, 1),
        "history": {
            name: [round(float(v), 4) for v in values] for name, values in history.history.items()
        },
    }
    return model, info


def reference_classifier_name(dataset_name):
    """Returns the cache name of a data set's reference classifier, e.g. `"reference_classifier_mnist"`."""
    return f"reference_classifier_{data.dataset_info(dataset_name).name}"


def load_reference_classifier(dataset_name, return_info=False, verbose=True):
    """Returns the trained reference classifier of a data set, training and caching it on first use.

    The first call trains it (`train_reference_classifier`) and saves it in the course cache
    (`course_lib.training.train_or_load`); later calls, in any lesson, load it in a second.
    Set `COURSE_RETRAIN=1` to train again.

    Args:
        dataset_name: `"mnist"` or `"fashion_mnist"`.
        return_info: also return the info dict (test accuracy, epochs, training seconds, whether it was loaded).
        verbose: print whether the model was trained or loaded.

    Returns:
        The model, mapping `(N, 28, 28, 1)` images in [0, 1] to `(N, 10)` class probabilities;
        `(model, info)` when `return_info=True`.
    """
    key = data.dataset_info(dataset_name).name
    model, info = training.train_or_load(
        reference_classifier_name(key),
        lambda: train_reference_classifier(key, verbose=2 if verbose else 0),
        version=CACHE_VERSION,
        verbose=verbose,
    )
    return (model, info) if return_info else model


def feature_extractor(model):
    """Returns a model that maps images to the classifier's penultimate `"features"` activations.

    Args:
        model: a reference classifier (built, trained or loaded).

    Returns:
        A `keras.Model` mapping `(N, 28, 28, 1)` images in [0, 1] to `(N, feature_dim)` features
        (128 by default), the space in which lesson 10 compares real and generated images.
    """
    import keras

    try:
        features = model.get_layer(FEATURES_LAYER).output
    except ValueError:
        names = [layer.name for layer in model.layers]
        raise ValueError(
            f"the model {model.name!r} has no layer named {FEATURES_LAYER!r} (its layers: {names}); "
            "pass a model built by build_reference_classifier or loaded by load_reference_classifier."
        ) from None
    inputs = (
        model.inputs[0] if len(model.inputs) == 1 else model.inputs
    )  # a lone input, not a list of one
    return keras.Model(inputs, features, name=f"{model.name}_features")
