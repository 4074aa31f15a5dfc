# An RNN that learns to continue a sine wave: nn.RNN (two layers, batch_first) reads 20 steps
# and a Linear layer predicts the next value at every step; backward runs through time.
import math

import torch
import torch.nn as nn

torch.manual_seed(0)
t = torch.linspace(0, 8 * math.pi, 400)
wave = torch.sin(t)
starts = torch.randint(0, 400 - 21, (16,))
windows = torch.stack([wave[s : s + 21] for s in starts.tolist()])
inputs = windows[:, :-1].unsqueeze(-1)  # (batch, seq, 1)
targets = windows[:, 1:]


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(1, 16, num_layers=2, batch_first=True)
        self.head = nn.Linear(16, 1)

    def forward(self, x):
        out, h = self.rnn(x)
        return self.head(out).squeeze(-1)


model = Model()
loss_fn = nn.SmoothL1Loss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for step in range(40):
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.step()
    if step % 10 == 0 or step == 39:
        print(step, "loss", loss.item())
