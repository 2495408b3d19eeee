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
