"""Autoencoders of lesson 04: dense and convolutional builders, each split into an encoder and a decoder.

An autoencoder squeezes an image through a small code (the bottleneck) and rebuilds it. Each builder
returns `(autoencoder, encoder, decoder)`: the encoder maps `(batch, 28, 28, 1)` images in [0, 1] to
`(batch, latent_dim)` codes, the decoder maps codes back to `(batch, 28, 28, 1)` pixels in [0, 1]
(a sigmoid output, to train with binary cross-entropy), and the autoencoder chains the two.
The same models, trained on corrupted inputs with clean targets, are denoising autoencoders.
"""

import keras
from keras import layers

IMAGE_SHAPE = (28, 28, 1)


def _check_latent_dim(latent_dim):
    if int(latent_dim) != latent_dim or latent_dim < 1:
        raise ValueError(f"latent_dim must be a positive whole number, got {latent_dim!r}.")
    return int(latent_dim)


def _assemble(encoder, decoder, name):
    inputs = keras.Input(IMAGE_SHAPE, name="images")
    autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name=name)
    assert autoencoder.output_shape == (None, *IMAGE_SHAPE), autoencoder.output_shape
    return autoencoder, encoder, decoder


def build_dense_autoencoder(latent_dim=32, hidden_units=(256,)):
    """Builds a fully connected autoencoder: 784 pixels -> hidden layers -> code -> mirrored layers -> 784.

    Args:
        latent_dim: size of the code, the bottleneck.
        hidden_units: widths of the encoder's hidden layers; the decoder mirrors them.

    Returns:
        `(autoencoder, encoder, decoder)`: `(batch, 28, 28, 1)` -> `(batch, latent_dim)` ->
        `(batch, 28, 28, 1)`, all uncompiled.
    """
    latent_dim = _check_latent_dim(latent_dim)
    encoder = keras.Sequential(name="encoder")
    encoder.add(keras.Input(IMAGE_SHAPE))
    encoder.add(layers.Flatten())
    for units in hidden_units:
        encoder.add(layers.Dense(units, activation="relu"))
    encoder.add(layers.Dense(latent_dim, name="code"))
    assert encoder.output_shape == (None, latent_dim), encoder.output_shape

    decoder = keras.Sequential(name="decoder")
    decoder.add(keras.Input((latent_dim,)))
    for units in reversed(hidden_units):
        decoder.add(layers.Dense(units, activation="relu"))
    decoder.add(layers.Dense(28 * 28, activation="sigmoid"))
    decoder.add(layers.Reshape(IMAGE_SHAPE))
    assert decoder.output_shape == (None, *IMAGE_SHAPE), decoder.output_shape
    return _assemble(encoder, decoder, name="dense_autoencoder")


def build_conv_autoencoder(latent_dim=32, filters=(32, 64)):
    """Builds a convolutional autoencoder: two strided convolutions down to 7x7, a dense code, and back up.

    Args:
        latent_dim: size of the code, the bottleneck.
        filters: channels of the two encoder convolutions (28 -> 14 -> 7); the decoder mirrors them.

    Returns:
        `(autoencoder, encoder, decoder)`: `(batch, 28, 28, 1)` -> `(batch, latent_dim)` ->
        `(batch, 28, 28, 1)`, all uncompiled.
    """
    latent_dim = _check_latent_dim(latent_dim)
    first, second = filters
    encoder = keras.Sequential(
        [
            keras.Input(IMAGE_SHAPE),
            layers.Conv2D(first, 3, strides=2, padding="same", activation="relu"),
            layers.Conv2D(second, 3, strides=2, padding="same", activation="relu"),
            layers.Flatten(),
            layers.Dense(latent_dim, name="code"),
        ],
        name="encoder",
    )
    assert encoder.output_shape == (None, latent_dim), encoder.output_shape

    decoder = keras.Sequential(
        [
            keras.Input((latent_dim,)),
            layers.Dense(7 * 7 * second, activation="relu"),
            layers.Reshape((7, 7, second)),
            layers.Conv2DTranspose(first, 3, strides=2, padding="same", activation="relu"),
            layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid"),
        ],
        name="decoder",
    )
    assert decoder.output_shape == (None, *IMAGE_SHAPE), decoder.output_shape
    return _assemble(encoder, decoder, name="conv_autoencoder")


def split_autoencoder(autoencoder):
    """Returns `(encoder, decoder)` of an autoencoder from this module, e.g. one loaded from a `.keras` file."""
    try:
        return autoencoder.get_layer("encoder"), autoencoder.get_layer("decoder")
    except ValueError:
        names = [layer.name for layer in autoencoder.layers]
        raise ValueError(
            f"expected an autoencoder with sub-models named 'encoder' and 'decoder', found layers {names}; "
            "build it with build_dense_autoencoder or build_conv_autoencoder."
        ) from None
