using System.CommandLine;
using System.Globalization;
using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Models.Classification;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// `ae probe MODEL_DIR`: how well a model's frozen codes separate the classes, by a linear softmax classifier
/// trained on the codes and by k nearest neighbours among them.
/// </summary>
internal static class ProbeCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var model = new Argument<string>("model") { Description = "A model directory (from `ae pretrain` or `ae train`)." };
        var labelled = new LabelledDataOptions();
        var k = new Option<int>("--neighbours", "-k", "--k") { Description = "Neighbours that vote in the k-NN classifier (--k: the old name, still accepted).", DefaultValueFactory = _ => 5 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of the linear probe.", DefaultValueFactory = _ => 50 };
        var batchSize = new Option<int>("--batch-size") { Description = "Mini-batch size of the linear probe.", DefaultValueFactory = _ => 64 };
        var learningRate = new Option<double>("--lr") { Description = "Adam learning rate of the linear probe.", DefaultValueFactory = _ => 1e-2 };
        var results = new Option<string?>("--results") { Description = "Append one CSV row per probe to this file." };

        var command = new Command("probe", "Linear probe and k-nearest-neighbour classifier on a model's frozen codes; prints test accuracy and confusion matrices.")
        {
            model, labelled.Labels, labelled.LabelSeed, k, epochs, batchSize, learningRate, labelled.Dataset, labelled.TrainLimit, results,
        };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            int seed = parse.GetValue(common.Seed) ?? 0;
            common.ConfigureRuntime(parse, seed);
            string directory = parse.GetValue(model)!;
            using TrainedAutoencoder trained = TrainedAutoencoder.Load(directory);
            using LabelledSplits data = labelled.Load(parse, directory, common, stdout);
            using var trainCodes = new TensorDataset(Flat(trained.EncodeAll(data.Labelled)), data.Labelled.Labels!.clone(), data.Labelled.ClassNames, $"codes of {data.Labelled.Name}");
            using var testCodes = new TensorDataset(Flat(trained.EncodeAll(data.Test)), data.Test.Labels!.clone(), data.Test.ClassNames, $"codes of {data.Test.Name}");
            stdout.WriteLine($"codes    {trainCodes.SampleSize} values per sample; {trainCodes.Count} labelled training codes, {testCodes.Count} test codes");

            TorchRuntime.SetSeed(seed);
            using EncoderClassifier linear = new EncoderClassifierConfig { Layers = [(int)trainCodes.SampleSize], Classes = data.Classes }.Build();
            var options = new ClassifierTrainerOptions
            {
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batchSize),
                Seed = seed,
                Optimizer = new OptimizerOptions { LearningRate = parse.GetValue(learningRate) },
            };
            using (var trainer = new ClassifierTrainer(linear, options))
            {
                trainer.Fit(trainCodes);
            }

            ConfusionMatrix linearConfusion = ClassifierTrainer.Evaluate(linear, testCodes).Confusion;
            Report(stdout, $"linear probe ({options.Epochs} epochs, Adam lr {options.Optimizer.LearningRate.ToString(CultureInfo.InvariantCulture)})", linearConfusion, data.ClassNames);

            using var knn = new NearestNeighborClassifier(trainCodes.Features, trainCodes.Labels!, parse.GetValue(k), data.Classes);
            using Tensor predicted = knn.Predict(testCodes.Features);
            ConfusionMatrix knnConfusion = ConfusionMatrix.From(testCodes.Labels!, predicted, data.Classes);
            Report(stdout, $"{knn.K}-NN", knnConfusion, data.ClassNames);

            if (parse.GetValue(results) is string path)
            {
                FinetuneCommand.AppendResult(path, directory, data, "linear_probe", options, linearConfusion);
                FinetuneCommand.AppendResult(path, directory, data, $"knn{knn.K}", options with { Epochs = 0, Optimizer = options.Optimizer with { LearningRate = 0 } }, knnConfusion);
            }

            return 0;
        });
        return command;
    }

    private static Tensor Flat(Tensor codes)
    {
        using (codes)
        {
            return codes.reshape(codes.shape[0], -1).contiguous().clone();
        }
    }

    private static void Report(TextWriter stdout, string name, ConfusionMatrix confusion, IReadOnlyList<string> classNames)
    {
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} test accuracy {confusion.Accuracy:F4}  error {100 * confusion.Error:F2}%"));
        stdout.Write(confusion.ToText(classNames));
    }
}
