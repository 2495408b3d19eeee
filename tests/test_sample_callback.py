"""The fixed-noise sample grid callback and the GIF writer (lesson 07)."""

import keras
import numpy as np
from PIL import Image

from course_lib import training
from course_lib.models.gan import GAN


def test_tile_images_puts_ink_dark_on_white_paper_in_a_grid():
    images = np.stack([np.full((4, 4), -1.0), np.full((4, 4), 1.0), np.zeros((4, 4))])
    picture = training.tile_images(images, ncols=2, value_range=(-1, 1), padding=1, scale=1)
    assert picture.shape == (2 * 5 + 1, 2 * 5 + 1) and picture.dtype == np.uint8
    assert picture[1, 1] == 255  # -1 is blank paper
    assert picture[1, 6] == 0  # +1 is full ink
    assert picture[6, 1] in (127, 128)  # 0 is mid grey
    assert training.tile_images(images[..., None], ncols=3, scale=2).shape == (
        2 * (4 + 2 + 2),
        2 * (3 * 6 + 2),
    )


def test_save_gif_writes_one_frame_per_picture(tmp_path):
    frames = [np.full((10, 20), value, "uint8") for value in (0, 128, 255)]
    path = training.save_gif(frames, tmp_path / "out" / "samples.gif", captions=["a", "b", "c"])
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 3
        assert gif.size == (20, 10 + 14)


def _tiny_gan():
    keras.utils.set_random_seed(0)
    noise = keras.Input((4,))
    generator = keras.Model(
        noise, keras.layers.Reshape((28, 28, 1))(keras.layers.Dense(784, activation="tanh")(noise))
    )
    images = keras.Input((28, 28, 1))
    discriminator = keras.Model(images, keras.layers.Dense(1)(keras.layers.Flatten()(images)))
    model = GAN(generator, discriminator, seed=0)
    model.compile()
    return model


def test_callback_keeps_a_frame_before_training_and_after_each_epoch_then_writes_the_gif(tmp_path):
    model = _tiny_gan()
    noise = np.random.default_rng(0).normal(size=(6, 4)).astype("float32")
    callback = training.SampleGridCallback(
        noise, show=False, ncols=3, gif_path=tmp_path / "progress.gif"
    )
    real = np.random.default_rng(1).uniform(-1, 1, (8, 28, 28, 1)).astype("float32")
    model.fit(real, batch_size=8, epochs=2, verbose=0, shuffle=False, callbacks=[callback])
    assert callback.epochs == [0, 1, 2]
    assert not np.array_equal(callback.frames[0], callback.frames[-1]), (
        "training should change the samples"
    )
    np.testing.assert_array_equal(
        callback.frames[-1], training.tile_images(model.generate(noise=noise), ncols=3)
    )
    with Image.open(tmp_path / "progress.gif") as gif:
        assert gif.n_frames == 3


def test_callback_draws_the_grid_when_asked_and_accepts_any_generate_function():
    model = _tiny_gan()
    calls = []

    def generate(noise, labels):
        calls.append(labels)
        return np.zeros((len(noise), 28, 28, 1), "float32")

    callback = training.SampleGridCallback(
        np.zeros((2, 4), "float32"), labels=[1, 2], generate=generate, show=True
    )
    real = np.zeros((4, 28, 28, 1), "float32")
    model.fit(real, batch_size=4, epochs=1, verbose=0, shuffle=False, callbacks=[callback])
    assert calls == [[1, 2], [1, 2]] and len(callback.frames) == 2
