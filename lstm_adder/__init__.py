"""The code the four commands at the repository's root share, one module per idea.

Importing the package imports nothing else: each command takes only the modules its work needs
(evaluate.py never imports Keras or TensorFlow; training imports Keras on the backend it chose).
A user's own code opens a trained network with `from lstm_adder.model import read_model_file`,
from the repository's folder or with that folder on sys.path (docs/model-files.md).
"""
