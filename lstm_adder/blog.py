"""The blog's own numbers and names, in one module that imports nothing heavy.

The post trained Keras 2.2.4's LSTM (whose recurrent activation defaulted to Keras 2's hard
sigmoid), tested it on 1,000 fresh pairs and printed (1 - MSE) * 100 as "accuracy":
99.98892793562263%. Every command, the study and its report take these from here.
"""

BLOG_FIGURE = 99.98892793562263  # percent, as printed by the blog: (1 - MSE) * 100
BLOG_MSE = 1 - BLOG_FIGURE / 100
BLOG_SAMPLES = 1000  # the blog's test: 1,000 fresh pairs

# The blog's network: LSTM(UNITS) -> Dropout(DROPOUT) -> Dense(bits + 1, relu).
UNITS = 256
DROPOUT = 0.2

# The names train_lstm_adder.py's --recurrent-activation takes, the blog's first: Keras 2's
# clip(0.2x + 0.5, 0, 1), then the sigmoid Keras uses since 2.3. model.KERAS_ACTIVATIONS
# maps them to functions; kept here so that a bad option is refused before Keras's slow import.
RECURRENT_ACTIVATION_CHOICES = ("keras2_hard_sigmoid", "sigmoid")
BLOGS_ACTIVATION = RECURRENT_ACTIVATION_CHOICES[0]
# The output layer's activation (--output-activation): the blog's relu, or a sigmoid, whose
# outputs stay inside (0, 1) like the bits they stand for.
OUTPUT_ACTIVATION_CHOICES = ("relu", "sigmoid")
BLOGS_OUTPUT_ACTIVATION = OUTPUT_ACTIVATION_CHOICES[0]
