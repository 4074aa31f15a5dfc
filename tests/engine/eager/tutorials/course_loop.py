# A course assignment's training loop: device selection, init_weights through model.apply, a
# ModuleList with BatchNorm1d and LeakyReLU, randperm mini-batches, AdamW, gradient clipping,
# train()/eval() with a no_grad evaluation, and a hand-written cross entropy with gather.
import torch
import torch.nn as nn
import torch.nn.functional as F

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
N, D, C = 240, 6, 3
X = torch.randn(N, D, device=device)
X = (X - X.mean(dim=0)) / X.std(dim=0)
y = torch.where(X[:, 0] > 0.5, 2, torch.where(X[:, 1] > 0, 1, 0))


class Net(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        pairs = zip(sizes[:-1], sizes[1:], strict=True)
        self.layers = nn.ModuleList([nn.Linear(a, b) for a, b in pairs])
        self.norm = nn.BatchNorm1d(sizes[1])
        self.act = nn.LeakyReLU(0.1)

    def forward(self, x):
        x = self.act(self.norm(self.layers[0](x)))
        for layer in self.layers[1:-1]:
            x = self.act(layer(x))
        return self.layers[-1](x)


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.kaiming_uniform_(m.weight, a=0.1, nonlinearity="leaky_relu")
        nn.init.zeros_(m.bias)


model = Net([D, 32, 32, C]).to(device)
model.apply(init_weights)
optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)


@torch.no_grad()
def accuracy():
    model.eval()
    right = (model(X).argmax(dim=1) == y).float().mean().item()
    model.train()
    return right


for epoch in range(12):
    perm = torch.randperm(N, device=device)
    total = 0.0
    for i in range(0, N, 60):
        idx = perm[i : i + 60]
        logp = F.log_softmax(model(X[idx]), dim=1)
        loss = -logp.gather(1, y[idx].unsqueeze(1)).mean()
        optimizer.zero_grad()
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=2.0)
        optimizer.step()
        total += loss.item() * len(idx)
    onehot = F.one_hot(y, C).float()
    probs = model(X).softmax(dim=1).permute(1, 0)
    print(f"{epoch} loss {total / N:.4f}")
print(f"accuracy {accuracy():.3f} grad norm {grad_norm.item():.3f}")
print(f"brier {((probs.t() - onehot) ** 2).sum(dim=1).mean().item():.4f}")
print(f"weight norm {model.layers[0].weight.norm().item():.3f}")
