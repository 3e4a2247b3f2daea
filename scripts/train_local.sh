#!/usr/bin/env bash
# One local training job, as a site runs it without a network:
#   scripts/train_local.sh --model_path global.safetensors --data_path my.csv --output_path out [--label y]
# writes out/update.safetensors (with num_examples and the base model's id). Every argument is
# passed on to `shoal train-local`, which also takes --model-path/--data-path/--output-path.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
exec "$root/shoal" train-local "$@"
