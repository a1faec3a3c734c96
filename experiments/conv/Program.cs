// Trains the convolutional seed recipes (a)-(d) on the full Fashion-MNIST training set (60,000 images) and writes a
// Markdown table of test-set reconstruction errors. One torch thread, fixed seeds.
//
//   nice -n 10 dotnet run -c Release --project experiments/conv -- --epochs 3 --out experiments/conv/results.md
//
// Options: --epochs N (default 3), --data DIR (default /usr/share/datasets/fashion-mnist), --out FILE,
// --train-limit N (use the first N training images, for a quick check), --only a,b,c,d.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Models;
using AutoEncoders.Models.Convolutional;
using AutoEncoders.Objectives.Corruptions;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int epochs = 3;
string dataDirectory = "/usr/share/datasets/fashion-mnist";
string output = "experiments/conv/results.md";
long? trainLimit = null;
string only = "a,b,c,d";
for (int i = 0; i < args.Length; i++)
{
    string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--epochs": epochs = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
        case "--data": dataDirectory = value; i++; break;
        case "--out": output = value; i++; break;
        case "--train-limit": trainLimit = long.Parse(value, CultureInfo.InvariantCulture); i++; break;
        case "--only": only = value; i++; break;
        default: throw new ArgumentException($"Unknown option {args[i]}; expected --epochs, --data, --out, --train-limit or --only.");
    }
}

TorchRuntime.Configure(new RuntimeOptions { Threads = 1, Seed = 1 });
using TensorDataset fullTrain = FashionMnistImages.Train(dataDirectory);
using TensorDataset test = FashionMnistImages.Test(dataDirectory);
using TensorDataset train = trainLimit is long n ? fullTrain.Slice(0, n) : fullTrain.Slice(0, fullTrain.Count);

// One fixed draw of noisy test images (factor 0.5, clipped to [0, 1]) for the denoising comparison.
using var noiseGenerator = new Generator(12345);
using Tensor noisyTest = new GaussianNoise { Factor = 0.5 }.Apply(test.Features, noiseGenerator);
ReconstructionMetrics noisyBaseline = ReconstructionMetrics.Compute(test.Features, noisyTest);

var recipes = new (string Key, string Label, Recipe Recipe)[]
{
    ("a", "(a) conv + max-pool / conv + upsample (Keras)", ConvolutionalRecipes.Keras(epochs)),
    ("b", "(b) strided conv / transposed conv", ConvolutionalRecipes.Strided(epochs)),
    ("c", "(c) = (a) denoising, Gaussian noise 0.5", ConvolutionalRecipes.Denoising(epochs)),
    ("d", "(d) max-pool / max-unpool with indices", ConvolutionalRecipes.Unpooling(epochs)),
};

var rows = new StringBuilder();
var denoising = new StringBuilder();
Console.WriteLine($"training on {train.Count} images, testing on {test.Count}, {epochs} epoch(s) each, 1 thread");
foreach ((string key, string label, Recipe recipe) in recipes.Where(r => only.Split(',').Contains(r.Key)))
{
    TorchRuntime.SetSeed(recipe.Training.Seed);
    using Autoencoder model = recipe.Model.Build();
    using var trainer = new Trainer(model, recipe.Objective, recipe.Training with { Progress = ProgressMode.Lines });
    var watch = Stopwatch.StartNew();
    TrainingHistory history = trainer.Fit(train);
    double seconds = watch.Elapsed.TotalSeconds;
    model.eval();
    using Tensor reconstructions = FashionMnistImages.Reconstruct(model, test.Features);
    ReconstructionMetrics clean = ReconstructionMetrics.Compute(test.Features, reconstructions);
    using Tensor fromNoisy = FashionMnistImages.Reconstruct(model, noisyTest);
    ReconstructionMetrics denoised = ReconstructionMetrics.Compute(test.Features, fromNoisy);
    string code = string.Join("x", recipe.Model.CodeShape);
    rows.Append(CultureInfo.InvariantCulture, $"| {label} | {model.ParameterCount:N0} | {code} ({recipe.Model.CodeShape.Aggregate(1L, (a, b) => a * b)}) | {epochs} | {seconds / 60:F1} min | {history.Epochs[^1].Train["loss"]:F4} | {clean.SquaredErrorPerSample:F2} | {clean.BinaryCrossEntropy:F4} |\n");
    denoising.Append(CultureInfo.InvariantCulture, $"| {label}: reconstruction of the noisy image | {denoised.SquaredErrorPerSample:F2} | {denoised.BinaryCrossEntropy:F4} |\n");
    Console.WriteLine($"{label}: test squared error {clean.SquaredErrorPerSample:F2}, BCE {clean.BinaryCrossEntropy:F4}; from noisy input {denoised.SquaredErrorPerSample:F2}; {seconds:F0} s");
    if (key == "a")
    {
        Console.WriteLine(ModelSummary.Of(model).Format());
    }
}

string markdown =
    $"Fashion-MNIST, trained on {train.Count:N0} training images, evaluated on the {test.Count:N0} test images. " +
    $"{epochs} epoch(s), Adam 1e-3, batch 128, binary cross-entropy, seed 1, one torch thread ({Environment.ProcessorCount} cores, shared).\n" +
    "Squared error: per image, summed over the 784 pixels, mean over images. BCE: per pixel.\n\n" +
    "| Recipe | Parameters | Code | Epochs | Training time | Final train loss | Test squared error | Test BCE |\n" +
    "|---|---:|---|---:|---:|---:|---:|---:|\n" + rows +
    "\nNoisy test images (x + 0.5 N(0, 1), clipped to [0, 1], one fixed draw), compared with the clean images:\n\n" +
    "| Input to the comparison | Squared error | BCE |\n|---|---:|---:|\n" +
    string.Create(CultureInfo.InvariantCulture, $"| the noisy image itself (no model) | {noisyBaseline.SquaredErrorPerSample:F2} | {noisyBaseline.BinaryCrossEntropy:F4} |\n") +
    denoising;
AtomicFile.WriteAllText(output, markdown);
Console.WriteLine(markdown);
