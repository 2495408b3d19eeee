"""Where the course lives: the one setting that Colab badges and the Colab install line are built from."""

# Change these two lines (then run `python -m course_lib.authoring.stamp`) to publish the course elsewhere.
REPOSITORY = "synthesis-lab/synthesis-lab"
BRANCH = "main"

PACKAGE_NAME = "synthesis-lab"


def colab_url(notebook_path):
    """Returns the "Open in Colab" address of a notebook, e.g. `notebooks/00_welcome.ipynb`."""
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/{BRANCH}/{notebook_path}"


def pip_requirement():
    """Returns the pip requirement that installs the course library from the repository."""
    return f"{PACKAGE_NAME} @ git+https://github.com/{REPOSITORY}@{BRANCH}"


# The learner's path: lesson number -> notebook name (without the number and `.ipynb`).
CURRICULUM = {
    0: "welcome",
    1: "tensors_and_gradients",
    2: "neural_networks",
    3: "convolutional_networks",
    4: "autoencoders",
    5: "variational_autoencoders",
    6: "gans_from_scratch",
    7: "dcgan",
    8: "conditional_generation",
    9: "wasserstein_gan",
    10: "evaluating_generative_models",
    11: "exploring_latent_spaces",
    12: "image_enhancement",
    13: "synthetic_training_data",
    14: "scaling_up",
}


def notebook_name(number):
    """Returns the file name of lesson `number`, e.g. `05_variational_autoencoders.ipynb`."""
    return f"{number:02d}_{CURRICULUM[number]}.ipynb"
