"""Every scene's title and caption in Korean (the same wording as the UI's own table).

Scene name -> (title, caption); ``catalog`` puts them into each Scene's ``title_ko`` /
``caption_ko``.
"""

from __future__ import annotations

KO: dict[str, tuple[str, str]] = {
    "tf-graph": (
        "TensorFlow: 계산 그래프",
        "그래프(x * y + z의 합)를 만들고 tf.gradients로 역전파를 얻은 뒤 Session에서 실행",
    ),
    "torch-graph": (
        "PyTorch: 같은 계산 그래프",
        "PyTorch에서는 순전파가 실행되며 그래프를 만들고, c.backward()가 x.grad를 채움",
    ),
    "tf-nn": (
        "TensorFlow: 신경망",
        "먼저 그래프(placeholder, matmul, 손실, 기울기)를 만들고 실행: Session.run 전에는 "
        "아무것도 계산하지 않음",
    ),
    "tf-train": (
        "TensorFlow: 신경망 학습",
        "문제: 매 단계 CPU와 GPU 사이에 가중치를 복사 (가중치를 feed하고 fetch함)",
    ),
    "tf-variables": (
        "TensorFlow: Variable로 가중치",
        "문제: 손실이 줄지 않음! Session.run은 fetch에 필요한 것만 계산하므로 assign "
        "노드가 실행되지 않음",
    ),
    "tf-group": (
        "TensorFlow: 갱신 묶기",
        "더미 노드(tf.group)가 갱신에 의존: 이를 fetch하면 assign이 실행되어 손실이 줄어듦",
    ),
    "tf-optimizer": (
        "TensorFlow: 옵티마이저",
        "옵티마이저가 기울기를 계산하고 가중치를 갱신; 그 출력을 실행하는 것을 잊지 말 것",
    ),
    "tf-losses": (
        "TensorFlow: 미리 정의된 손실",
        "tf.losses.mean_squared_error가 직접 쓴 손실을 대신함 (모든 원소의 평균)",
    ),
    "tf-layers": (
        "TensorFlow: 레이어",
        "tf.layers.dense가 가중치와 편향을 (Xavier 초기화로) 준비해 줌",
    ),
    "torch-tensors": (
        "PyTorch: 텐서",
        "텐서는 GPU에서도 도는 numpy 배열: 순전파, 직접 쓴 역전파, 갱신을 한 연산씩",
    ),
    "torch-autograd": (
        "PyTorch: autograd",
        "grad가 필요한 텐서는 계산하며 그래프를 기록하고, loss.backward()가 이를 따라감",
    ),
    "torch-function": (
        "PyTorch: 새 autograd 함수",
        "텐서에 대한 forward와 backward를 써서 나만의 autograd 함수를 정의",
    ),
    "torch-nn": (
        "PyTorch: nn",
        "nn: 모델은 학습 가능한 가중치를 가진 레이어의 나열; 손실 함수는 nn.functional에서",
    ),
    "torch-optim": ("PyTorch: optim", "옵티마이저(Adam)가 backward 후 모든 파라미터를 갱신"),
    "torch-module": (
        "PyTorch: 새 Module 정의",
        "Module은 레이어 또는 모델 전체: forward는 다른 모듈과 autograd 연산을 사용, "
        "backward는 필요 없음",
    ),
    "torch-mix": (
        "PyTorch: Module 섞어 쓰기",
        "직접 만든 Module(병렬 블록)을 nn.Sequential 안에; 입력이 갈라지고 기울기가 합쳐짐",
    ),
    "torch-dataloader": ("PyTorch: DataLoader", "DataLoader가 Dataset을 감싸 미니배치를 건네줌"),
    "two-layer": (
        "정적 vs 동적: 2층 신경망",
        "같은 신경망: TensorFlow는 그래프를 한 번 만들어 실행하고, PyTorch는 매 반복 "
        "그래프를 다시 만듦",
    ),
    "conditional": (
        "정적 vs 동적: 조건문",
        "PyTorch는 파이썬 if로 분기; TensorFlow는 그래프 안에 tf.cond가 필요 "
        "(z = 10이면 tf.less(z, 0)은 f2를 택함)",
    ),
    "loops": (
        "정적 vs 동적: 반복문",
        "PyTorch는 파이썬으로 반복하며 그래프가 매 단계 자람; TensorFlow는 tf.foldl로 "
        "반복을 그래프에 넣음",
    ),
    "data-loading": (
        "PyTorch: 데이터 로드와 GPU 병목",
        "같은 학습 루프에 데이터를 세 가지로 공급: RAM의 Dataset, 매 단계 디스크에서 "
        "읽기, 백그라운드 스레드로 미리 읽기 (데이터 로드 시 GPU 병목 발생 가능)",
    ),
    "serialization": (
        "정적 vs 동적: 직렬화",
        "정적 그래프는 데이터: as_graph_def()와 가중치를 파일로 저장하고, 빌드 코드 "
        "없이 파일만 가진 새 파이썬 프로세스가 같은 단계를 실행 (마지막 그래프는 "
        "파일에서 옴)",
    ),
}
