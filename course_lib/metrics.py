"""Measuring generative models: FID, KID, precision and recall, conditional accuracy, memorisation, PSNR/SSIM.

Feature-based metrics work in the space of the course's reference classifier (lesson 03), whose 128-number
`"features"` layer describes MNIST-like images far better than raw pixels.
"""

import warnings

import numpy as np
import scipy.linalg

from course_lib.models import classifier as reference


def reference_features(images, dataset_name="mnist", model=None, batch_size=500):
    """Embeds images in the feature space of the reference classifier.

    Args:
        images: `(N, 28, 28, 1)` images in [0, 1] (generator outputs in [-1, 1] must be rescaled first:
            `(images + 1) / 2`).
        dataset_name: which reference classifier, `"mnist"` or `"fashion_mnist"`.
        model: a loaded reference classifier (default: `load_reference_classifier(dataset_name)`).
        batch_size: images per forward pass.

    Returns:
        float64 array `(N, feature_dim)`.
    """
    images = _check_unit_images(images)
    model = (
        reference.load_reference_classifier(dataset_name, verbose=False) if model is None else model
    )
    extractor = reference.feature_extractor(model)
    parts = [
        np.asarray(extractor(images[i : i + batch_size], training=False))
        for i in range(0, len(images), batch_size)
    ]
    return np.concatenate(parts).astype("float64")


def _check_unit_images(images):
    images = np.asarray(images, "float32")
    if images.ndim == 3:
        images = images[..., np.newaxis]
    if images.ndim != 4 or images.shape[1:] != (28, 28, 1):
        raise ValueError(f"expected images of shape (N, 28, 28, 1), got {images.shape}.")
    if images.size and images.min() < -0.01:
        raise ValueError(
            "these images have negative pixels: a tanh generator's output must be rescaled to [0, 1] first, "
            "with (images + 1) / 2."
        )
    return images


def feature_statistics(features):
    """Returns the mean `(D,)` and covariance `(D, D)` of a set of feature vectors `(N, D)`."""
    features = np.asarray(features, "float64")
    if features.ndim != 2 or len(features) < 2:
        raise ValueError(
            f"expected at least two feature vectors of shape (N, D), got {features.shape}."
        )
    return features.mean(axis=0), np.cov(features, rowvar=False)


def frechet_distance(mean_1, covariance_1, mean_2, covariance_2):
    """The Fréchet distance between two Gaussians: the squared 2-Wasserstein distance.

    $$d^2 = \\lVert \\mu_1 - \\mu_2 \\rVert^2 + \\operatorname{Tr}\\big(\\Sigma_1 + \\Sigma_2
    - 2 (\\Sigma_1 \\Sigma_2)^{1/2}\\big)$$

    Args:
        mean_1, covariance_1: the first Gaussian.
        mean_2, covariance_2: the second Gaussian.

    Returns:
        The distance as a float (never negative).
    """
    mean_1, mean_2 = (
        np.atleast_1d(mean_1).astype("float64"),
        np.atleast_1d(mean_2).astype("float64"),
    )
    covariance_1 = np.atleast_2d(covariance_1).astype("float64")
    covariance_2 = np.atleast_2d(covariance_2).astype("float64")
    root = scipy.linalg.sqrtm(covariance_1 @ covariance_2)
    if not np.isfinite(
        root
    ).all():  # nearly singular covariances: nudge them, as the FID reference code does
        offset = np.eye(len(covariance_1)) * 1e-6
        root = scipy.linalg.sqrtm((covariance_1 + offset) @ (covariance_2 + offset))
    root = np.real(root)  # tiny imaginary parts are round-off
    distance = np.sum((mean_1 - mean_2) ** 2) + np.trace(covariance_1 + covariance_2 - 2 * root)
    return float(max(distance, 0.0))


def fid(real_features, generated_features):
    """Fréchet Inception-style Distance between two feature sets (here in the reference classifier's space).

    Lower is better; 0 means identical means and covariances. FID is biased upwards for small sample sizes,
    so only compare FIDs computed from the same number of samples.

    Returns:
        The FID as a float.
    """
    return frechet_distance(
        *feature_statistics(real_features), *feature_statistics(generated_features)
    )


def _polynomial_kernel(x, y):
    return (x @ y.T / x.shape[1] + 1.0) ** 3


def kid(real_features, generated_features, subsets=10, subset_size=1000, seed=0):
    """Kernel Inception-style Distance: an unbiased estimate of the squared MMD with a cubic polynomial kernel.

    Unlike FID it is unbiased, so small sample sizes give the right value on average; it is averaged over random
    subsets, and the spread over subsets gives its standard error.

    Args:
        real_features: `(N, D)`.
        generated_features: `(M, D)`.
        subsets: number of random subsets.
        subset_size: examples per subset (capped at the smaller set's size).
        seed: seed for choosing subsets.

    Returns:
        `(kid, standard_error)`. The standard error is NaN (with a warning) when every subset would be the
        whole of both sets, so that the subsets could not differ: use a `subset_size` below the set sizes.
    """
    real_features = np.asarray(real_features, "float64")
    generated_features = np.asarray(generated_features, "float64")
    size = min(subset_size, len(real_features), len(generated_features))
    if size < 2:
        raise ValueError("KID needs at least two examples in each set.")
    rng = np.random.default_rng(seed)
    estimates = []
    for _ in range(subsets):
        x = real_features[rng.choice(len(real_features), size, replace=False)]
        y = generated_features[rng.choice(len(generated_features), size, replace=False)]
        k_xx, k_yy, k_xy = (
            _polynomial_kernel(x, x),
            _polynomial_kernel(y, y),
            _polynomial_kernel(x, y),
        )
        off_diagonal = size * (size - 1)
        estimate = (
            (k_xx.sum() - np.trace(k_xx)) / off_diagonal
            + (k_yy.sum() - np.trace(k_yy)) / off_diagonal
            - 2 * k_xy.mean()
        )
        estimates.append(estimate)
    estimates = np.array(estimates)
    standard_error = estimates.std(ddof=1) / np.sqrt(subsets) if subsets > 1 else float("nan")
    if subsets > 1 and size == len(real_features) == len(generated_features):
        warnings.warn(
            f"KID: subset_size={subset_size} takes the whole of both sets ({size} examples), so every subset is "
            "the same and there is no standard error; use a smaller subset_size.",
            stacklevel=2,
        )
        standard_error = float("nan")
    return float(estimates.mean()), float(standard_error)


def _pairwise_distances(x, y):
    squared = (x**2).sum(1)[:, None] + (y**2).sum(1)[None, :] - 2 * x @ y.T
    return np.sqrt(np.maximum(squared, 0.0))


def _radii(features, k):
    distances = _pairwise_distances(features, features)
    return np.sort(distances, axis=1)[:, k]  # column 0 is the point itself


def _coverage(points, manifold, radii, batch_size=1000):
    inside = []
    for start in range(0, len(points), batch_size):
        distances = _pairwise_distances(points[start : start + batch_size], manifold)
        inside.append((distances <= radii[None, :]).any(axis=1))
    return float(np.concatenate(inside).mean())


def precision_recall(real_features, generated_features, k=3):
    """Precision and recall of a generator, with k-nearest-neighbour manifolds (Kynkäänniemi et al., 2019).

    Precision: the share of generated samples that fall inside the real data's manifold (quality).
    Recall: the share of real samples that fall inside the generated manifold (diversity).

    Args:
        real_features: `(N, D)`.
        generated_features: `(M, D)`.
        k: each point's ball reaches its k-th nearest neighbour.

    Returns:
        `(precision, recall)`, each in [0, 1].
    """
    real_features = np.asarray(real_features, "float64")
    generated_features = np.asarray(generated_features, "float64")
    if min(len(real_features), len(generated_features)) <= k:
        raise ValueError(f"precision_recall needs more than k={k} examples in each set.")
    precision = _coverage(generated_features, real_features, _radii(real_features, k))
    recall = _coverage(real_features, generated_features, _radii(generated_features, k))
    return precision, recall


def class_confidence(images, dataset_name="mnist", model=None, threshold=0.9):
    """How confidently the reference classifier recognises generated images, and which classes they show.

    Args:
        images: `(N, 28, 28, 1)` images in [0, 1].
        dataset_name: which reference classifier.
        model: a loaded reference classifier (default: the cached one).
        threshold: the confidence that counts as "clearly recognisable".

    Returns:
        A dict: `confident_fraction`, `class_fractions` (10 numbers summing to 1), `predicted` labels and
        `confidence` per image.
    """
    images = _check_unit_images(images)
    model = (
        reference.load_reference_classifier(dataset_name, verbose=False) if model is None else model
    )
    probabilities = np.asarray(model.predict(images, batch_size=500, verbose=0))
    predicted = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    return {
        "confident_fraction": float((confidence >= threshold).mean()),
        "class_fractions": np.bincount(predicted, minlength=probabilities.shape[1])
        / len(predicted),
        "predicted": predicted,
        "confidence": confidence,
    }


def conditional_accuracy(images, requested_labels, dataset_name="mnist", model=None):
    """The share of a conditional generator's images that the reference classifier sees as the requested class.

    Returns:
        A float in [0, 1].
    """
    requested_labels = np.asarray(requested_labels).reshape(-1)
    predicted = class_confidence(images, dataset_name, model)["predicted"]
    if len(predicted) != len(requested_labels):
        raise ValueError(
            f"got {len(predicted)} images but {len(requested_labels)} requested labels."
        )
    return float((predicted == requested_labels).mean())


def nearest_training_images(samples, training_images, batch_size=256):
    """Finds, for each generated sample, the closest training image in pixel space: a memorisation check.

    A generator that copies its training data produces samples at distance ~0 from a training image.

    Args:
        samples: `(N, 28, 28, 1)` images in [0, 1].
        training_images: `(M, 28, 28, 1)` images in [0, 1].

    Returns:
        `(indices, distances)`: the index of each sample's nearest training image and the Euclidean distance.
    """
    samples = _check_unit_images(samples).reshape(len(samples), -1).astype("float64")
    training = (
        _check_unit_images(training_images).reshape(len(training_images), -1).astype("float64")
    )
    indices, distances = [], []
    for start in range(0, len(samples), batch_size):
        pairwise = _pairwise_distances(samples[start : start + batch_size], training)
        best = pairwise.argmin(axis=1)
        indices.append(best)
        distances.append(pairwise[np.arange(len(best)), best])
    return np.concatenate(indices), np.concatenate(distances)


def psnr(images, references, max_value=1.0):
    """Peak signal-to-noise ratio per image pair, in dB (higher is better), via `tf.image.psnr`."""
    import tensorflow as tf

    return tf.image.psnr(
        np.asarray(images, "float32"), np.asarray(references, "float32"), max_val=max_value
    ).numpy()


def ssim(images, references, max_value=1.0):
    """Structural similarity per image pair, in [-1, 1] (higher is better), via `tf.image.ssim`.

    Uses a 7x7 window instead of TensorFlow's default 11x11, which is too large for 28x28 images.
    """
    import tensorflow as tf

    return tf.image.ssim(
        np.asarray(images, "float32"),
        np.asarray(references, "float32"),
        max_val=max_value,
        filter_size=7,
    ).numpy()
