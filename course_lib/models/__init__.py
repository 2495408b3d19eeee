"""The course's Keras models: builders plus `keras.Model` subclasses, saved and loaded as `.keras` files."""

from course_lib.models.classifier import build_reference_classifier as build_reference_classifier
from course_lib.models.classifier import feature_extractor as feature_extractor
from course_lib.models.classifier import load_reference_classifier as load_reference_classifier
from course_lib.models.classifier import train_reference_classifier as train_reference_classifier
from course_lib.models.conditional import ConditionalGAN as ConditionalGAN
from course_lib.models.conditional import ConditionalVAE as ConditionalVAE
from course_lib.models.dcgan import build_dcgan_discriminator as build_dcgan_discriminator
from course_lib.models.dcgan import build_dcgan_generator as build_dcgan_generator
from course_lib.models.gan import GAN as GAN
from course_lib.models.wgan import WGANGP as WGANGP
