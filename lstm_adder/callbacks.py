"""The Keras callbacks of training: keeping every epoch's loss with the checkpoints, and the
study's hook after each epoch (keras.callbacks.TerminateOnNaN stops at a loss that is not a
number). Imported once Keras runs on its backend (training.py)."""

import keras
import numpy as np


class KeepLossAndCheckpoint(keras.callbacks.Callback):
    """After the caller's callbacks: note the epoch's loss in `losses`, and save the training
    state (save_state(epochs done, every)) every `every` epochs, at the last of `epochs` and
    when training stops early; never the state of a loss that is not a number."""

    def __init__(self, losses, every, epochs, save_state):
        super().__init__()
        self.losses, self.every, self.epochs, self.save_state = losses, every, epochs, save_state

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.losses.append(float((logs or {})["loss"]))  # Keras always gives the epoch's loss
        done = epoch + 1
        due = self.every and (
            done % self.every == 0 or done >= self.epochs or self.model.stop_training
        )
        if due and np.isfinite(self.losses[-1]):
            self.save_state(done, self.every)


class EachEpoch(keras.callbacks.Callback):
    """Calls `hook(epochs done, logs)` at the end of each epoch; a true answer stops training
    (the study's evaluations and its stop rule)."""

    def __init__(self, hook):
        super().__init__()
        self.hook = hook

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.hook(epoch + 1, logs):
            self.model.stop_training = True
