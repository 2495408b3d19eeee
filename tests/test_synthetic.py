"""The synthetic-data helpers: a conditional GAN that trains, caches, and draws labelled images in [0, 1]."""

import numpy as np

from course_lib import synthetic
from tests.conftest import requires_local_data


def _tiny_recipe():
    return {
        "generator_filters": (8, 4),
        "discriminator_filters": (4, 8),
        "latent_dim": 8,
        "embedding_dim": 4,
    }


def test_generate_labelled_images_gives_every_class_in_the_unit_range():
    gan = synthetic.build_conditional_gan(_tiny_recipe(), seed=0)

    images, labels = synthetic.generate_labelled_images(gan, per_class=3, seed=1)

    assert images.shape == (30, 28, 28, 1) and images.dtype == np.float32
    assert images.min() >= 0.0 and images.max() <= 1.0
    np.testing.assert_array_equal(labels, np.repeat(np.arange(10), 3))
    again, _ = synthetic.generate_labelled_images(gan, per_class=3, seed=1)
    np.testing.assert_array_equal(images, again)


def test_train_conditional_gan_runs_the_requested_number_of_steps_on_a_tiny_set():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(20, 28, 28), dtype=np.uint8)
    labels = np.arange(20) % 10

    gan, info = synthetic.train_conditional_gan(
        images, labels, steps=3, recipe=_tiny_recipe(), seed=0
    )

    assert info["steps"] == 3 and info["train_size"] == 20
    assert np.isfinite(info["d_loss"]) and np.isfinite(info["g_loss"])
    assert int(gan.generator_optimizer.iterations.numpy()) == 3


@requires_local_data
def test_load_conditional_gan_trains_once_in_smoke_mode_then_loads_from_the_cache(
    course_cache, smoke_mode
):
    gan, info = synthetic.load_conditional_gan("mnist", return_info=True, verbose=False)
    again, info_again = synthetic.load_conditional_gan("mnist", return_info=True, verbose=False)

    assert info["loaded"] is False and info["train_size"] == synthetic.SMOKE_TRAIN_SIZE
    assert info_again["loaded"] is True
    noise = np.random.default_rng(0).normal(size=(4, gan.latent_dim)).astype("float32")
    np.testing.assert_allclose(
        gan.generate(noise=noise, labels=[1, 2, 3, 4]),
        again.generate(noise=noise, labels=[1, 2, 3, 4]),
        atol=1e-5,
    )
