# Lecture 8: computational graphs in PyTorch (2018 edition).
import engine.eager as torch

device = torch.device('cpu')
N, D = 3, 4
x = torch.randn(N, D, requires_grad=True,
                device=device)
y = torch.randn(N, D, device=device)
z = torch.randn(N, D, device=device)

a = x * y
b = a + z
c = torch.sum(b)

c.backward()
print(x.grad)
