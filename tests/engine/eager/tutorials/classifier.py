# A small classifier in the style of the PyTorch tutorials: three blobs of points, a two-layer
# network with dropout, CrossEntropyLoss and RMSprop, accuracy from argmax.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
centers = torch.tensor([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
labels = torch.randint(0, 3, (300,))
points = centers[labels] + 0.6 * torch.randn(300, 2)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 32)
        self.drop = nn.Dropout(0.1)
        self.fc2 = nn.Linear(32, 3)

    def forward(self, x):
        return self.fc2(self.drop(F.relu(self.fc1(x))))


net = Net()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.RMSprop(net.parameters(), lr=0.01)

for epoch in range(60):
    optimizer.zero_grad()
    outputs = net(points)
    loss = criterion(outputs, labels)
    loss.backward()
    optimizer.step()
    if epoch % 10 == 0 or epoch == 59:
        print(epoch, "loss", loss.item())

net.eval()
with torch.no_grad():
    predicted = torch.argmax(net(points), dim=1)
    accuracy = (predicted == labels).float().mean().item()
print("accuracy", accuracy)
