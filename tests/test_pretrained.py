"""The shared trained models: trained once with the lesson's recipe (smoke mode here), then loaded from the cache."""

import numpy as np
import pytest

from course_lib.models import cluster_gan, conditional, gan, pretrained, wgan
from tests.conftest import requires_local_data

CASES = [
    (pretrained.load_dcgan, "mnist", gan.GAN),
    (pretrained.load_conditional_gan, "mnist", conditional.ConditionalGAN),
    (pretrained.load_cluster_gan, "mnist", cluster_gan.ClusterConditionedGAN),
    (pretrained.load_wgan_gp, "fashion_mnist", wgan.WGANGP),
]


@requires_local_data
@pytest.mark.parametrize(
    ("load", "dataset_name", "model_class"),
    CASES,
    ids=["dcgan", "conditional", "cluster", "wgan_gp"],
)
def test_trains_once_in_smoke_mode_then_loads_the_same_generator(
    load, dataset_name, model_class, course_cache, smoke_mode
):
    model, info = load(dataset_name, return_info=True, verbose=False)
    again, info_again = load(dataset_name, return_info=True, verbose=False)

    assert isinstance(model, model_class) and isinstance(again, model_class)
    assert info["loaded"] is False and info_again["loaded"] is True
    assert info["train_size"] == pretrained.SMOKE_TRAIN_SIZE and info["epochs"] == 1
    assert np.isfinite([value for name, value in info.items() if name.endswith("loss")]).all()
    assert sorted(path.name for path in (course_cache / "smoke").glob("*.keras")) == [
        f"{load.__name__.removeprefix('load_')}_{dataset_name}-v1.keras"
    ]
    noise = np.random.default_rng(0).normal(size=(4, model.latent_dim)).astype("float32")
    # Conditional models get fixed labels (classes, or clusters for the cluster-conditioned GAN).
    kwargs = {"labels": np.arange(4)} if issubclass(model_class, conditional.ConditionalGAN) else {}
    images = model.generate(noise=noise, **kwargs)
    assert images.shape == (4, 28, 28, 1) and images.min() >= -1.0 and images.max() <= 1.0
    np.testing.assert_allclose(images, again.generate(noise=noise, **kwargs), atol=1e-5)


@requires_local_data
def test_an_unknown_data_set_is_refused_with_the_known_names(course_cache, smoke_mode):
    with pytest.raises(ValueError, match="mnist"):
        pretrained.load_dcgan("cifar10", verbose=False)
