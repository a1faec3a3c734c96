#!/usr/bin/env bash
# Stacked denoising autoencoders (Vincent et al., 2008) on 10,000 training images: SdA-3, SAA-3 (no noise), the same
# network from random initialisation, and softmax regression on pixels; settings chosen on a validation split.
# Every step is an `ae` command; a step whose result file exists is skipped, so a stopped run resumes.
# Writes experiments/sda/results.csv, results.md and logs/. Run from the repository root:
#   AE_THREADS=1 AE_DATA_PATH=/work/shared/datasets nohup experiments/sda/run.sh > experiments/sda/run.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=${OUT:-experiments/sda}
AE=${AE:-src/AutoEncoders.Cli/bin/Release/net10.0/ae}
PY=${PY:-/usr/bin/python3}
export AE_THREADS=${AE_THREADS:-1}
export AE_DATA_PATH=${AE_DATA_PATH:-/work/shared/datasets}
MODELS=${MODELS:-/tmp/ae-sda-models}
DATASETS=${DATASETS:-"mnist fashion-mnist"}
LAYERS=${LAYERS:-784,1000,1000,1000}
NOISES=${NOISES-"0.25 0"}          # masking fractions tried on the validation split (0 = SAA-3)
FT_LRS=${FT_LRS:-"3e-4 sgd0.05m0.9"} # fine-tuning optimisers tried on the validation split (SdA, noise 0.25, seed 1):
                                    # a number is Adam's learning rate, sgdLRmM plain SGD with momentum M
SEEDS=${SEEDS-"1 2 3"}
DEEP_SEEDS=${DEEP_SEEDS-$SEEDS}     # the seeds of the deep rows (SdA-3, SAA-3, random initialisation); softmax regression: SEEDS
SEED_PRETRAIN=${SEED_PRETRAIN:-1}    # own: each seed pretrains its own stacks; a number: every seed fine-tunes that seed's stacks
PRE_EPOCHS=${PRE_EPOCHS:-5}          # per layer
PRE_LR=${PRE_LR:-1e-3}
PRE_BATCH=${PRE_BATCH:-32}
FT_EPOCHS=${FT_EPOCHS:-30}           # at most; early stopping on the validation split decides
FT_BATCH=${FT_BATCH:-32}
PATIENCE=${PATIENCE:-4}
LOGISTIC_EPOCHS=${LOGISTIC_EPOCHS:-200}  # softmax regression on pixels: Adam lr 1e-3, same early stopping
SPLIT=(--validation-split 0.2 --split-seed 0)   # 2,000 of the 10,000 set aside, the same split for every run
mkdir -p "$HERE/logs" "$HERE/runs" "$MODELS"

machine() { echo "$(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"; }

# pretrain DATA NOISE SEED: the greedy stack into $MODELS/DATA-nNOISE-sSEED (noise 0: plain autoencoders).
pretrain() {
  local data=$1 noise=$2 seed=$3 model=$MODELS/$1-n$2-s$3 limit=() corrupt=()
  [ -f "$model/model.json" ] && return 0
  [ "$data" != mnist ] && limit=(--train-limit 10000)
  [ "$noise" != 0 ] && corrupt=(--noise "masking:$noise")
  local start; start=$(date +%s)
  echo "== $(date -u +%T) pretrain $data noise $noise seed $seed ($(machine))"
  "$AE" pretrain -o "$model" --dataset "$data" "${limit[@]}" "${SPLIT[@]}" --layers "$LAYERS" --activation sigmoid "${corrupt[@]}" \
    --epochs "$PRE_EPOCHS" --lr "$PRE_LR" --batch-size "$PRE_BATCH" --seed "$seed" > "$HERE/logs/pretrain-$data-n$noise-s$seed.log"
  echo "$data,$noise,$seed,$(( $(date +%s) - start )),$(machine)" >> "$HERE/runs/pretrain-times.csv"
}

# finetune TAG MODEL SEED LR EPOCHS ARGS...: one `ae finetune` run on all training labels but the validation split,
# at most EPOCHS epochs with early stopping; its CSV row (and the machine at its start) in runs/TAG.csv.
finetune() {
  local tag=$1 model=$2 seed=$3 lr=$4 epochs=$5 at
  shift 5
  [ -f "$HERE/runs/$tag.csv" ] && return 0
  at=$(machine)
  echo "== $(date -u +%T) finetune $tag ($at)"
  rm -f "$HERE/runs/$tag.csv.tmp"
  "$AE" finetune "$model" "${SPLIT[@]}" --patience "$PATIENCE" --epochs "$epochs" --batch-size "$FT_BATCH" $(optimizer "$lr") \
    --seed "$seed" --results "$HERE/runs/$tag.csv.tmp" "$@" > "$HERE/logs/$tag.log"
  sed -i "1s/\$/,machine/; 2s/\$/,$at/" "$HERE/runs/$tag.csv.tmp"
  mv "$HERE/runs/$tag.csv.tmp" "$HERE/runs/$tag.csv"
}

# optimizer SPEC: the `ae finetune` flags of a FT_LRS entry (3e-4: Adam lr 3e-4; sgd0.05m0.9: SGD lr 0.05 momentum 0.9).
optimizer() {
  if [[ $1 =~ ^sgd([0-9.e-]+)m([0-9.]+)$ ]]; then echo "--optimizer sgd --lr ${BASH_REMATCH[1]} --momentum ${BASH_REMATCH[2]}"; else echo "--lr $1"; fi
}

# The value of KEY ("lr", or "noise" at the chosen lr) with the lowest validation error among the seed-1 runs.
chosen() { "$PY" experiments/sda/summarize.py --choose "$2" --data "$1" --runs "$HERE/runs"; }

cat > "$HERE/runs/protocol.txt" <<INFO
- Network ${LAYERS//,/-}-10, sigmoid units, softmax head. Pretraining: greedy, one denoising autoencoder per layer on the
  clean codes of the layer below (\`ae pretrain\`, separate autoencoders), masking noise (a fraction of inputs set to 0;
  none for SAA-3), binary cross-entropy (untied decoder weights), $PRE_EPOCHS epochs per layer, Adam lr $PRE_LR, batch $PRE_BATCH,
  on the training images without labels; the validation split is never pretrained on.
- Fine-tuning of the whole network (\`ae finetune\`): cross-entropy, batch $FT_BATCH, at most $FT_EPOCHS epochs, stopped when the
  validation cross-entropy has not improved for $PATIENCE epochs, keeping the best epoch's weights. Optimisers in the search (FT_LRS; a number: Adam's learning rate; sgdLRmM: SGD with
  momentum M): $FT_LRS; the search table below lists the runs that finished.
  Softmax regression on pixels: Adam lr 1e-3, batch $FT_BATCH, at most $LOGISTIC_EPOCHS epochs, the same early stopping.
- Seeds (see each row): softmax regression SEEDS, deep rows DEEP_SEEDS. Pretraining stacks: $([ "$SEED_PRETRAIN" = own ] && echo "each seed pretrains its own stack (initialisation, noise, shuffling)" || echo "every seed fine-tunes the stack pretrained with seed $SEED_PRETRAIN; the seed changes the head's and (random-initialisation row) the network's initialisation and the shuffling").
- Data: MNIST = the 10,000-image training slice (../shared/datasets/mnist); Fashion-MNIST = the first 10,000 images of its
  training set. 2,000 of the 10,000 (stratified, --validation-split 0.2 --split-seed 0) are the validation split; the
  remaining 8,000 train. Test: the official 10,000-image test sets. AE_THREADS=$AE_THREADS.
INFO

# stack DATA NOISE SEED: the pretrained model a fine-tuning run with SEED uses.
stack() { echo "$MODELS/$1-n$2-s$([ "$SEED_PRETRAIN" = own ] && echo "$3" || echo "$SEED_PRETRAIN")"; }

for data in $DATASETS; do
  # 1. Fine-tuning learning rate, on the SdA with noise 0.25, seed 1 (validation error only).
  pretrain "$data" 0.25 1
  for lr in $FT_LRS; do
    finetune "$data-pre-n0.25-lr$lr-s1" "$MODELS/$data-n0.25-s1" 1 "$lr" "$FT_EPOCHS"
  done
  lr=$(chosen "$data" lr)
  # 2. Noise level, at that rate (noise 0 is SAA-3).
  for noise in $NOISES; do
    pretrain "$data" "$noise" 1
    finetune "$data-pre-n$noise-lr$lr-s1" "$MODELS/$data-n$noise-s1" 1 "$lr" "$FT_EPOCHS"
  done
  noise=$(chosen "$data" noise)
  echo "== $data: validation chose fine-tuning lr $lr, masking noise $noise"
  { grep -v "^$data," "$HERE/runs/chosen.csv" 2>/dev/null || true; echo "$data,$lr,$noise"; } > "$HERE/runs/chosen.csv.tmp"
  mv "$HERE/runs/chosen.csv.tmp" "$HERE/runs/chosen.csv"
  # 3. The rows, seed by seed (seed 1 of SdA-3 and SAA-3 are runs of the search above).
  for seed in $SEEDS; do
    finetune "$data-logistic-s$seed" "$MODELS/$data-n0-s1" "$seed" 1e-3 "$LOGISTIC_EPOCHS" --scratch --layers 784
  done
  "$PY" experiments/sda/summarize.py --runs "$HERE/runs" --out "$HERE"
  for seed in $DEEP_SEEDS; do
    for n in $noise 0; do
      [ "$SEED_PRETRAIN" = own ] && pretrain "$data" "$n" "$seed"
      finetune "$data-pre-n$n-lr$lr-s$seed" "$(stack "$data" "$n" "$seed")" "$seed" "$lr" "$FT_EPOCHS"
    done
    finetune "$data-scratch-s$seed" "$MODELS/$data-n0-s1" "$seed" "$lr" "$FT_EPOCHS" --scratch
    "$PY" experiments/sda/summarize.py --runs "$HERE/runs" --out "$HERE"
  done
done
# 4. The filters picture of docs/stacked-denoising.md.
[ -n "${PICTURE-docs/images/sda-filters.png}" ] && experiments/sda/filters.sh
echo "== $(date -u +%T) done"
