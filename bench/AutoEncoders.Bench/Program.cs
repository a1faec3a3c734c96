using AutoEncoders.Bench;
using AutoEncoders.Data;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OptimizerOptions = AutoEncoders.Training.OptimizerOptions;
using TensorDataset = AutoEncoders.Data.TensorDataset;

if (args.Length >= 2 && args[0] == "api")
{
    ApiDump.Print(args[1]);
    return 0;
}

if (args.Length >= 2 && args[0] == "split")
{
    TorchRuntime.Configure(new RuntimeOptions { Seed = 1 });
    Recipe recipe = Recipe.Load(args[1]);
    using TensorDataset train = DatasetCatalog.Default.Load("fashion-mnist", DatasetSplit.Train);
    OptimizerOptions o = recipe.Training.Optimizer;
    foreach ((string name, Func<IEnumerable<Parameter>, optim.Optimizer> make) in new (string, Func<IEnumerable<Parameter>, optim.Optimizer>)[]
    {
        ("torchsharp", ps => torch.optim.Adam(ps, o.LearningRate, o.Beta1, o.Beta2, o.Epsilon, o.WeightDecay)),
        ("fused", o.Create),
    })
    {
        Dictionary<string, double> split = StepSplit.Measure(recipe, train, make, warmup: 3, steps: 15);
        double total = split.Values.Sum();
        Console.WriteLine($"{name} total {total:F1} ms: " + string.Join(", ", split.Select(p => $"{p.Key} {p.Value:F1} ({100 * p.Value / total:F0}%)")));
    }

    return 0;
}

Console.Error.WriteLine("usage: ae-bench api PATTERN | split RECIPE");
return 2;
