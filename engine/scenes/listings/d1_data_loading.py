# Lecture 8: loading data can starve the GPU. The same training loop, fed three ways:
# a Dataset in RAM, batches read from disk at every step, then read ahead by worker threads.
import os
import shutil
import tempfile
import time

import numpy as np

import engine.eager as torch
from engine.eager.utils.data import Dataset, DataLoader, TensorDataset, drop_page_cache
from engine.scenes.parts import part

device = torch.device('cpu')
N, D_in, H, D_out = 64, 1000, 100, 10
batches = 16
SEEK = 0.005  # a hard disk's seek + rotation per file: a sleep stands in for it

x = np.random.randn(batches * N, D_in).astype(np.float32)
y = np.random.randn(batches * N, D_out).astype(np.float32)
folder = tempfile.mkdtemp()
for i in range(batches):
    np.save(os.path.join(folder, f"x{i}.npy"), x[i * N:(i + 1) * N])
    np.save(os.path.join(folder, f"y{i}.npy"), y[i * N:(i + 1) * N])


class DiskDataset(Dataset):
    """Batch i lives in x{i}.npy and y{i}.npy; every access reads them from the disk."""

    def __init__(self, folder, batches):
        self.folder, self.batches = folder, batches

    def __getitem__(self, i):
        time.sleep(SEEK)
        x_i = np.load(drop_page_cache(os.path.join(self.folder, f"x{i}.npy")))
        y_i = np.load(drop_page_cache(os.path.join(self.folder, f"y{i}.npy")))
        return torch.from_numpy(x_i), torch.from_numpy(y_i)

    def __len__(self):
        return self.batches


model = torch.nn.Sequential(torch.nn.Linear(D_in, H), torch.nn.ReLU(),
                            torch.nn.Linear(H, D_out)).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=1e-2)


def train(loader):
    for epoch in range(2):
        for x_batch, y_batch in loader:
            x_batch, y_batch = x_batch.to(device), y_batch.to(device)
            y_pred = model(x_batch)
            loss = torch.nn.functional.mse_loss(y_pred, y_batch)

            loss.backward()
            optimizer.step()
            optimizer.zero_grad()


part("ram")
train(DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=N))
part("disk")
train(DataLoader(DiskDataset(folder, batches), batch_size=None))
part("prefetch")
train(DataLoader(DiskDataset(folder, batches), batch_size=None, num_workers=8))
shutil.rmtree(folder)
