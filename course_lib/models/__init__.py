"""The course's Keras models: builders plus `keras.Model` subclasses, saved and loaded as `.keras` files."""
