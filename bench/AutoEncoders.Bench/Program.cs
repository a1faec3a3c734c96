using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoEncoders.Bench;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Models.Sequence;
using AutoEncoders.Models.Variational;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OptimizerOptions = AutoEncoders.Training.OptimizerOptions;
using TensorDataset = AutoEncoders.Data.TensorDataset;

// ae-bench: the project's half of bench/run.sh. Prints one JSON object on stdout.
//   ae-bench api PATTERN          public TorchSharp members whose signature contains PATTERN
//   ae-bench ours RECIPES_DIR     matmul limit, time split, encode rate
//   ae-bench train RECIPES_DIR NAME  training throughput of one recipe (or lstm-140x1-64)
//   ae-bench steps RECIPE BATCH STEPS  wall and process CPU seconds of STEPS training steps at BATCH (after a warm-up)
//   ae-bench split RECIPE         the time split of one dense recipe's (or lstm-140x1-64's) step, fused Adam
//   ae-bench ops B IN HID         CPU time of single operations at these sizes (bench/op_probe.py is the peer's half)
//   ae-bench lstm-probe           raw nn.LSTM forward+backward times (expanded vs contiguous input, the 1->64 encoder),
//                                 then nn.LSTM against the unrolled loop the sequence model uses (time and differences)
//   ae-bench rss RECIPE [EPOCHS]  a full training run on Fashion-MNIST, then the peak resident memory (VmHWM)
//   ae-bench vae-replay RECIPE DIR [LOCKSTEP_STEPS]  bench/vae_replay.py's VAE trajectory through our model, objective
//                                 and optimizers (with LOCKSTEP_STEPS: fused vs TorchSharp Adam side by side, per step)
//   ae-bench vae-export RUN_DIR DIR  a trained VAE's weights as .npy in PyTorch's layer names (bench/vae_replay.py --eval)
//   ae-bench serve-load URL PATH BODY.json|BODY.npy CLIENTS REQUESTS [SERVER_PID]  a bounded load on a running `ae serve`
//                                 (bench/serve/run.sh); with SERVER_PID also the server's CPU time per request
if (args.Length >= 6 && args[0] == "serve-load")
{
    return ServeLoad.Run(args[1], args[2], args[3], int.Parse(args[4], CultureInfo.InvariantCulture), int.Parse(args[5], CultureInfo.InvariantCulture), args.Length >= 7 ? int.Parse(args[6], CultureInfo.InvariantCulture) : null);
}

if (args.Length >= 2 && args[0] == "api")
{
    ApiDump.Print(args[1]);
    return 0;
}

if (args.Length >= 1 && args[0] == "lstm-probe")
{
    TorchRuntime.Configure(new RuntimeOptions { Seed = 1 });
    LstmProbe.Run();
    LstmUnrollProbe.Run();
    return 0;
}

if (args.Length >= 4 && args[0] == "ops")
{
    TorchRuntime.Configure(new RuntimeOptions { Seed = 1 });
    OpProbe.Run(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture));
    return 0;
}

if (args.Length >= 3 && args[0] == "vae-replay")
{
    TorchRuntime.Configure(new RuntimeOptions { Seed = 1, Threads = 1 });
    VaeReplay.Run(args[1], args[2], args.Length >= 4 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 0);
    return 0;
}

if (args.Length >= 3 && args[0] == "vae-export")
{
    TorchRuntime.Configure(new RuntimeOptions { Seed = 1, Threads = 1 });
    VaeReplay.Export(args[1], args[2]);
    return 0;
}

if (args.Length < 2 || args[0] is not ("ours" or "rss" or "split" or "steps" or "train"))
{
    Console.Error.WriteLine("usage: ae-bench api PATTERN | ours RECIPES_DIR | train RECIPES_DIR NAME | split RECIPE | rss RECIPE [EPOCHS]");
    return 2;
}

TorchRuntime.Configure(new RuntimeOptions { Seed = 1 });
int threads = torch.get_num_threads();
using TensorDataset fashion = DatasetCatalog.Default.Load("fashion-mnist", DatasetSplit.Train);
var result = new JsonObject
{
    ["threads"] = threads,
    ["torchsharp"] = typeof(torch).Assembly.GetName().Version?.ToString(),
    ["libtorch"] = torch.__version__,
    ["onednn_isa"] = TorchRuntime.OneDnnIsa,
    ["heap_kept"] = TorchRuntime.HeapKept,
    ["dotnet"] = Environment.Version.ToString(),
};

if (args[0] == "rss")
{
    Recipe recipe = Recipe.Load(args[1]);
    int epochs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
    using Autoencoder model = recipe.Model.Build();
    using var trainer = new Trainer(model, recipe.Objective, recipe.Training with { Epochs = epochs, Progress = ProgressMode.Silent });
    var clock = Stopwatch.StartNew();
    TrainingHistory history = trainer.Fit(fashion);
    result["recipe"] = recipe.Name;
    result["epochs"] = epochs;
    result["samples"] = fashion.Count;
    result["seconds"] = clock.Elapsed.TotalSeconds;
    result["final_loss"] = history.Epochs[^1].Train["loss"];
    result["vm_hwm_mb"] = ReadStatusMegabytes("VmHWM");
    Console.WriteLine(result.ToJsonString());
    return 0;
}

if (args[0] == "steps" && args.Length >= 4)
{
    Recipe recipe = Recipe.Load(args[1]);
    int batch = int.Parse(args[2], CultureInfo.InvariantCulture);
    int steps = int.Parse(args[3], CultureInfo.InvariantCulture);
    using TensorDataset flat = fashion.Flattened();
    (double wall, double cpu, double loss) = StepRate.Measure(recipe, flat, batch, steps, warmup: 20);
    result["recipe"] = recipe.Name;
    result["batch"] = batch;
    result["steps"] = steps;
    result["wall_s"] = wall;
    result["process_cpu_s"] = cpu;
    result["samples_per_s"] = steps * batch / wall;
    result["final_loss"] = loss;
    result["load"] = File.ReadAllText("/proc/loadavg").Split(' ')[0];
    Console.WriteLine(result.ToJsonString());
    return 0;
}

if (args[0] == "split")
{
    if (args[1] == "lstm-140x1-64")
    {
        var lstm = new Recipe { Model = new SequenceAutoencoderConfig { SequenceLength = 140, Features = 1, HiddenSize = 64 }, Training = new TrainerOptions { BatchSize = 64 } };
        using Tensor t = torch.linspace(0, 20, 140).unsqueeze(0);
        using Tensor phase = torch.rand(2048, 1) * 6.28;
        using var series = new TensorDataset((t + phase).sin().unsqueeze(-1));
        Dictionary<string, double> lstmMs = StepSplit.Measure(lstm, series, lstm.Training.Optimizer.Create, warmup: 2, steps: 10, best: true);
        Console.WriteLine($"best step phases, CPU ms: sum {lstmMs.Values.Sum():F1}: " + string.Join(", ", lstmMs.Select(p => $"{p.Key} {p.Value:F1}")));
        return 0;
    }

    Recipe recipe = Recipe.Load(args[1]);
    using TensorDataset flat = fashion.Flattened();
    // AE_SPLIT_GRADS=zeroed or none measures one way only (for a profiler); both by default.
    string? only = Environment.GetEnvironmentVariable("AE_SPLIT_GRADS");
    // AE_SPLIT_STEPS=N times N steps per mode instead of 20 (a longer loop for a profiler).
    int splitSteps = int.TryParse(Environment.GetEnvironmentVariable("AE_SPLIT_STEPS"), CultureInfo.InvariantCulture, out int n) ? n : 20;
    bool[] modes = only == "zeroed" ? [false, false] : only == "none" ? [true, true] : [false, true, false, true];
    foreach (bool toNone in modes)
    {
        Dictionary<string, double> ms = StepSplit.Measure(recipe, flat, recipe.Training.Optimizer.Create, warmup: 3, steps: splitSteps, gradsToNone: toNone, best: true);
        Console.WriteLine($"gradients {(toNone ? "set to none" : "zeroed")}: best step phases, CPU ms: sum {ms.Values.Sum():F2}: " + string.Join(", ", ms.Select(p => $"{p.Key} {p.Value:F2}")));
    }

    Console.WriteLine($"matmul {MatmulRate(2048, 3):F1} GFLOP/s");
    return 0;
}

if (args[0] == "train")
{
    // One recipe's throughput (run.sh interleaves ours and the peer recipe by recipe, so load changes on a shared
    // machine hit both sides alike).
    result["name"] = args[2];
    result["entry"] = TrainEntry(args[1], args[2], fashion);
    Console.WriteLine(result.ToJsonString());
    return 0;
}

string recipes = args[1];
result["matmul_gflops"] = MatmulRate(2048, repeats: 5);
result["matmul_gflops_cpu"] = MatmulRate(2048, repeats: 5, cpuClock: true);
Console.Error.WriteLine($"matmul {result["matmul_gflops"]} GFLOP/s");


// Where one hinton step's time goes, with TorchSharp's Adam and with the fused step.
{
    Recipe hinton = AtBenchBatch("hinton-784-1000-500-250-30", Recipe.Load(Path.Combine(recipes, "hinton-784-1000-500-250-30.json")));
    OptimizerOptions o = hinton.Training.Optimizer;
    var split = new JsonObject();
    foreach ((string label, Func<IEnumerable<Parameter>, optim.Optimizer> make) in new (string, Func<IEnumerable<Parameter>, optim.Optimizer>)[]
    {
        ("torchsharp_adam", ps => torch.optim.Adam(ps, o.LearningRate, o.Beta1, o.Beta2, o.Epsilon, o.WeightDecay)),
        ("fused_adam", o.Create),
    })
    {
        using TensorDataset flat = fashion.Flattened();
        Dictionary<string, double> ms = StepSplit.Measure(hinton, flat, make, warmup: 3, steps: 12);
        split[label] = new JsonObject(ms.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        Console.Error.WriteLine($"split {label}: " + string.Join(", ", ms.Select(p => $"{p.Key} {p.Value:F1} ms")));
    }

    result["split"] = split;
}

// Encoding the Fashion-MNIST test set with the 30-D encoder, gradients off (inference mode).
{
    Recipe hinton = Recipe.Load(Path.Combine(recipes, "hinton-784-1000-500-250-30.json"));
    using TensorDataset test = DatasetCatalog.Default.Load("fashion-mnist", DatasetSplit.Test);
    using var trained = new TrainedAutoencoder(hinton.Model.Build(), new ModelManifest { Model = hinton.Model, Objective = hinton.Objective });
    using (trained.EncodeAll(test))
    {
    }

    // The library's default batch (1,024, what `ae encode` uses) and the whole test set at once (the peer's way):
    // 10,000 × 1,000 floats are 40 MB, above glibc's largest mmap threshold, so every call faults its pages in again.
    foreach (int batch in new[] { 10000, 1024 })
    {
        var rates = new List<double>();
        var cpuRates = new List<double>();
        for (int r = 0; r < 5; r++)
        {
            var clock = Stopwatch.StartNew();
            double cpu = ThreadClock.Seconds();
            using Tensor codes = trained.EncodeAll(test, batchSize: batch);
            cpuRates.Add(test.Count / (ThreadClock.Seconds() - cpu));
            rates.Add(test.Count / clock.Elapsed.TotalSeconds);
        }

        string key = batch == 1024 ? string.Empty : $"_batch{batch}";
        result[$"encode_images_per_s{key}"] = Statistics.Median(rates);
        result[$"encode_images_per_s_cpu{key}"] = Statistics.Median(cpuRates);
    }

    result["encode_images"] = test.Count;
    Console.Error.WriteLine($"encode {result["encode_images_per_s"]} images/s");
}

Console.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
return 0;

static JsonObject TrainEntry(string recipes, string name, TensorDataset fashion)
{
    if (name == "lstm-140x1-64")
    {
        // The LSTM autoencoder (Srivastava et al. 2015; Malhotra et al. 2016): 140-step univariate series.
        var config = new SequenceAutoencoderConfig { SequenceLength = 140, Features = 1, HiddenSize = 64 };
        using Tensor t = torch.linspace(0, 20, 140).unsqueeze(0);
        using Tensor phase = torch.rand(2048, 1) * 6.28;
        using var series = new TensorDataset((t + phase).sin().unsqueeze(-1));
        (double lstmRate, double lstmCpuRate, double lstmBest) = Throughput.SamplesPerSecond(config, new Objective(), new OptimizerOptions(), series, 64, warmup: 3, windows: 5, window: 3);
        Console.Error.WriteLine($"{name}: {lstmRate:F0} samples/s ({lstmCpuRate:F0} per CPU second)");
        return new JsonObject { ["batch"] = 64, ["samples_per_s"] = lstmRate, ["cpu_samples_per_s"] = lstmCpuRate, ["best_step_cpu_ms"] = lstmBest };
    }

    string path = File.Exists(Path.Combine(recipes, name + ".json")) ? Path.Combine(recipes, name + ".json") : Path.Combine(recipes, name + ".yaml");
    Recipe recipe = AtBenchBatch(name, Recipe.Load(path));
    int batch = recipe.Training.BatchSize;
    bool big = name.StartsWith("hinton", StringComparison.Ordinal) || name.StartsWith("conv", StringComparison.Ordinal);
    using TensorDataset data = recipe.Model is DenseAutoencoderConfig or VariationalAutoencoderConfig ? fashion.Flattened() : fashion.Slice(0, fashion.Count);
    (double rate, double cpuRate, double bestMs) = Throughput.SamplesPerSecond(recipe.Model, recipe.Objective, recipe.Training.Optimizer, data, batch, warmup: 3, windows: 5, window: big ? 3 : 10);
    var entry = new JsonObject { ["batch"] = batch, ["samples_per_s"] = rate, ["cpu_samples_per_s"] = cpuRate, ["best_step_cpu_ms"] = bestMs };
    if (recipe.Model is DenseAutoencoderConfig dense)
    {
        long weights = dense.Layers.Zip(dense.Layers.Skip(1), (a, b) => (long)a * b).Sum() * 2;
        entry["flops_per_sample"] = 6.0 * weights;
    }
    else if (recipe.Model is VariationalAutoencoderConfig vae)
    {
        // Encoder hidden layers, the mean and log-variance heads (two latent-sized layers), the decoder.
        IReadOnlyList<int> enc = vae.Layers;
        IReadOnlyList<int> dec = vae.EffectiveDecoderLayers;
        long weights = enc.Zip(enc.Skip(1), (a, b) => (long)a * b).Sum() + ((long)enc[^2] * enc[^1])
            + dec.Zip(dec.Skip(1), (a, b) => (long)a * b).Sum();
        entry["flops_per_sample"] = 6.0 * weights;
    }

    Console.Error.WriteLine($"{name}: {rate:F0} samples/s ({cpuRate:F0} per CPU second, best step {bestMs:F2} CPU ms)");
    return entry;
}

// The best of some 2048x2048 float32 matmuls, by the wall clock or by the thread's CPU clock (one thread).
static double MatmulRate(int n, int repeats, bool cpuClock = false)
{
    using var scope = torch.NewDisposeScope();
    Tensor a = torch.randn(n, n);
    Tensor b = torch.randn(n, n);
    Tensor c = torch.empty(n, n);
    torch.matmul(a, b).Dispose();
    var rates = new List<double>();
    for (int r = 0; r < repeats; r++)
    {
        var clock = Stopwatch.StartNew();
        double cpu = ThreadClock.Seconds();
        using Tensor product = torch.matmul(a, b);
        double seconds = cpuClock ? ThreadClock.Seconds() - cpu : clock.Elapsed.TotalSeconds;
        rates.Add(2.0 * n * n * n / seconds / 1e9);
    }

    return rates.Max();
}

static double ReadStatusMegabytes(string field)
{
    foreach (string line in File.ReadLines("/proc/self/status"))
    {
        if (line.StartsWith(field + ":", StringComparison.Ordinal))
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(parts[1], CultureInfo.InvariantCulture) / 1024.0;
        }
    }

    return double.NaN;
}

// The hinton models are benchmarked at batch 256 (the reference since 2026-12-02, also in bench/peer.py), whatever
// batch their recipe trains with (the main job's recipe uses 64).
static Recipe AtBenchBatch(string name, Recipe recipe) =>
    name.StartsWith("hinton", StringComparison.Ordinal) ? recipe with { Training = recipe.Training with { BatchSize = 256 } } : recipe;
