# A tiny attention model over padded token sequences: Embedding with a padding index, learned
# positions repeated over the batch, scores by bmm with the padding hidden by masked_fill, a
# LayerNorm, two heads in a ModuleDict (a class with cross entropy, a count with L1Loss), a
# loss checked with isfinite, and topk, sort and cumsum over the results.
import torch
import torch.nn as nn
import torch.nn.functional as F

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
N, T, V, D = 256, 8, 10, 16
lengths = torch.randint(3, T + 1, (N,), device=device)
pad = torch.arange(T, device=device).expand(N, T) >= lengths.unsqueeze(1)
tokens = torch.randint(1, V, (N, T), device=device).masked_fill(pad, 0)
y = (tokens == 7).any(dim=1).long()
counts = (tokens == 7).float().sum(dim=1)


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(V, D, padding_idx=0)
        self.pos = nn.Parameter(0.1 * torch.randn(1, T, D))
        self.qkv = nn.Linear(D, 3 * D)
        self.norm = nn.LayerNorm(D)
        self.heads = nn.ModuleDict({"cls": nn.Linear(D, 2), "count": nn.Linear(D, 1)})

    def forward(self, tokens, pad):
        h = self.embed(tokens) + self.pos.repeat(tokens.shape[0], 1, 1)
        qkv = self.qkv(h)
        q, k, v = qkv[:, :, :D], qkv[:, :, D : 2 * D], qkv[:, :, 2 * D :]
        scores = torch.bmm(q, k.transpose(1, 2)) / D**0.5
        scores = scores.masked_fill(pad.unsqueeze(1), float("-inf"))
        h = self.norm(h + torch.bmm(scores.softmax(dim=-1), v))
        pooled = h.masked_fill(pad.unsqueeze(-1), float("-inf")).max(dim=1).values
        return {name: head(pooled) for name, head in self.heads.items()}


model = Attention().to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
count_loss = nn.L1Loss()
for epoch in range(15):
    perm = torch.randperm(N, device=device)
    total = 0.0
    for i in range(0, N, 64):
        idx = perm[i : i + 64]
        out = model(tokens[idx], pad[idx])
        loss = F.cross_entropy(out["cls"], y[idx])
        loss = loss + 0.1 * count_loss(out["count"].squeeze(1), counts[idx])
        if not torch.isfinite(loss):
            raise SystemExit(f"loss is {loss.item()} at epoch {epoch}")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(idx)
    print(f"{epoch} loss {total / N:.4f}")

with torch.no_grad():
    out = model(tokens, pad)
    right = (out["cls"].argmax(dim=1) == y).float().mean().item()
    sure = out["cls"].softmax(dim=1)[:, 1].topk(10).indices
    by_length = lengths.sort(descending=True).values
print(f"accuracy {right:.3f}")
print(f"top10 positives {y[sure].sum().item()}")
print(f"tokens {lengths.cumsum(0)[-1].item()} longest {by_length[0].item()}")
print(f"padding row {model.embed.weight[0].abs().sum().item():.1f}")
