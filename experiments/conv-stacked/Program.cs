// Stacked convolutional autoencoder (recipes/pretraining/scae-fashion.json) pretrained stage by stage on the full
// Fashion-MNIST training set (60,000 images), then fine-tuned end to end, against the same deep architecture
// trained from scratch. Test-set reconstruction errors measured as in experiments/conv. One torch thread.
//
//   nice -n 10 dotnet run -c Release --project experiments/conv-stacked -- --out experiments/conv-stacked/results.md
//
// Options: --data DIR (default /usr/share/datasets/fashion-mnist), --out FILE, --train-limit N (quick check),
// --mode separate_autoencoders|frozen_stack (default: the recipe's), --scratch true|false (default true).
using System.Diagnostics;
using System.Globalization;
using System.Text;
using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Models;
using AutoEncoders.Models.Convolutional;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using AutoEncoders.Training.Pretraining;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string dataDirectory = "/usr/share/datasets/fashion-mnist";
string output = "experiments/conv-stacked/results.md";
string recipePath = "recipes/pretraining/scae-fashion.json";
long? trainLimit = null;
PretrainingMode? mode = null;
bool scratch = true;
for (int i = 0; i < args.Length; i++)
{
    string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--data": dataDirectory = value; i++; break;
        case "--out": output = value; i++; break;
        case "--recipe": recipePath = value; i++; break;
        case "--train-limit": trainLimit = long.Parse(value, CultureInfo.InvariantCulture); i++; break;
        case "--mode": mode = value == "frozen_stack" ? PretrainingMode.FrozenStack : PretrainingMode.SeparateAutoencoders; i++; break;
        case "--scratch": scratch = bool.Parse(value); i++; break;
        default: throw new ArgumentException($"Unknown option {args[i]}; expected --data, --out, --recipe, --train-limit, --mode or --scratch.");
    }
}

TorchRuntime.Configure(new RuntimeOptions { Threads = 1, Seed = 1 });
using TensorDataset fullTrain = FashionMnistImages.Train(dataDirectory);
using TensorDataset test = FashionMnistImages.Test(dataDirectory);
using TensorDataset train = trainLimit is long n ? fullTrain.Slice(0, n) : fullTrain.Slice(0, fullTrain.Count);

PretrainingRecipe recipe = PretrainingRecipe.Load(recipePath);
LayerwisePretrainingOptions options = recipe.Pretraining with { Mode = mode ?? recipe.Pretraining.Mode, Log = Console.WriteLine };
TrainerOptions fineTune = (options.FineTune ?? throw new ArgumentException($"{recipePath}: the experiment needs fineTune settings.")) with { Progress = ProgressMode.Lines };
Objective fineTuneObjective = options.FineTuneObjective ?? new Objective { Reconstruction = new BinaryCrossEntropy() };
ConvolutionalStackSpec stack = options.Convolutional ?? throw new ArgumentException($"{recipePath}: not a convolutional stack.");
int[] stageEpochs = [.. Enumerable.Range(0, stack.Depth).Select(k => options.Layer(k).Training.Epochs)];
int totalEpochs = stageEpochs.Sum() + fineTune.Epochs;
string modeName = options.Mode == PretrainingMode.FrozenStack ? "frozen stack" : "separate autoencoders";
Console.WriteLine($"training on {train.Count} images, testing on {test.Count}; stages {string.Join(" + ", stageEpochs)} epochs ({modeName}), fine-tune {fineTune.Epochs}; {(scratch ? $"scratch {totalEpochs} epochs" : "no scratch run")}; 1 thread");

var rows = new StringBuilder();
void Row(string label, string epochs, double seconds, Autoencoder model)
{
    ReconstructionMetrics metrics = Measure(model, test.Features);
    rows.Append(CultureInfo.InvariantCulture, $"| {label} | {epochs} | {seconds / 60:F1} min | {metrics.SquaredErrorPerSample:F2} | {metrics.BinaryCrossEntropy:F4} |\n");
    Console.WriteLine($"{label}: test squared error {metrics.SquaredErrorPerSample:F2}, BCE {metrics.BinaryCrossEntropy:F4} ({seconds:F0} s)");
}

string Zeros(int count) => string.Join(" + ", Enumerable.Repeat("0", count));

// Layer-wise pretraining (no fine-tuning inside, so the model can be measured before it), then fine-tuning.
TorchRuntime.SetSeed(1);
var watch = Stopwatch.StartNew();
ConvolutionalPretrainingResult result = ConvolutionalLayerwisePretrainer.Pretrain(train, options with { FineTune = null });
double pretrainSeconds = watch.Elapsed.TotalSeconds;
using (ConvolutionalAutoencoder deep = result.Model)
{
    Row($"stacked, {modeName}, pretrained only", $"{string.Join(" + ", stageEpochs)} + 0", pretrainSeconds, deep);
    using var trainer = new Trainer(deep, fineTuneObjective, fineTune);
    watch.Restart();
    trainer.Fit(train);
    Row($"stacked, {modeName}, pretrained + fine-tuned", $"{string.Join(" + ", stageEpochs)} + {fineTune.Epochs}", pretrainSeconds + watch.Elapsed.TotalSeconds, deep);
    Console.WriteLine(ModelSummary.Of(deep).Format());
}

if (scratch)
{
    // The same deep architecture from a random start, measured after as many end-to-end epochs as the fine-tuning
    // had and after as many epochs as pretraining and fine-tuning together.
    TorchRuntime.SetSeed(1);
    using Autoencoder fresh = result.Config.Build();
    using var trainer = new Trainer(fresh, fineTuneObjective, fineTune with { Epochs = totalEpochs });
    watch.Restart();
    trainer.Callbacks.Add(new MeasureAt(fineTune.Epochs, () => Row("same architecture from scratch", $"{Zeros(stack.Depth)} + {fineTune.Epochs}", watch.Elapsed.TotalSeconds, fresh)));
    trainer.Fit(train);
    Row("same architecture from scratch", $"{Zeros(stack.Depth)} + {totalEpochs}", watch.Elapsed.TotalSeconds, fresh);
}

string markdown =
    $"Fashion-MNIST, trained on {train.Count:N0} training images, evaluated on the {test.Count:N0} test images; recipe {Path.GetFileName(recipePath)} " +
    $"({result.Config.Encoder.Count + result.Config.Decoder.Count} layers, {string.Join("x", result.Config.CodeShape)} code). Adam 1e-3, batch 128, seed 1, one torch thread ({Environment.ProcessorCount} cores, shared).\n" +
    (options.Mode == PretrainingMode.FrozenStack
        ? "Stage 1 minimises BCE on the images; stage 2, on the cached 16x14x14 codes, the squared error of the image rebuilt through the frozen stage-1 decoder; fine-tuning minimises BCE.\n"
        : "Stage 1 minimises BCE on the images, stage 2 squared error on the cached 16x14x14 codes; fine-tuning and training from scratch minimise BCE.\n") +
    "Squared error: per image, summed over the 784 pixels, mean over images. BCE: per pixel.\n\n" +
    "| Model | Epochs (stage 1 + stage 2 + end-to-end) | Training time | Test squared error | Test BCE |\n" +
    "|---|---|---:|---:|---:|\n" + rows;
AtomicFile.WriteAllText(output, markdown);
Console.WriteLine(markdown);

static ReconstructionMetrics Measure(Autoencoder model, Tensor images)
{
    using Tensor reconstructions = FashionMnistImages.Reconstruct(model, images);
    return ReconstructionMetrics.Compute(images, reconstructions);
}

/// <summary>Runs an action after a given epoch (1-based).</summary>
internal sealed class MeasureAt(int epoch, Action action) : ITrainingCallback
{
    public void OnEpochEnd(EpochRecord record, int totalEpochs)
    {
        if (record.Epoch == epoch)
        {
            action();
        }
    }
}
