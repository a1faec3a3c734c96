using System.CommandLine;
using System.Globalization;
using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Models;
using AutoEncoders.Models.Classification;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using AutoEncoders.Training.Callbacks;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// `ae finetune MODEL_DIR --labels N [--freeze K]`: a softmax head on the pretrained encoder, trained with N
/// labels; optionally the same network from scratch next to it; test accuracy and a confusion matrix.
/// </summary>
internal static class FinetuneCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var model = new Argument<string>("model") { Description = "A dense autoencoder's model directory (from `ae pretrain` or `ae train`)." };
        var labelled = new LabelledDataOptions();
        var freeze = new Option<int>("--freeze") { Description = "Freeze the K lowest encoder layers (0 fine-tunes all).", DefaultValueFactory = _ => 0 };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the labelled samples.", DefaultValueFactory = _ => 30 };
        var batchSize = new Option<int>("--batch-size") { Description = "Mini-batch size.", DefaultValueFactory = _ => 32 };
        var learningRate = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3 };
        var baseline = new Option<bool>("--baseline") { Description = "Also train the same architecture from scratch (same labels, epochs, rate, seed) and compare." };
        var scratchOnly = new Option<bool>("--scratch") { Description = "Train only the from-scratch network (the model directory gives just the architecture)." };
        var results = new Option<string?>("--results") { Description = "Append one CSV row per trained network (arm, labels, freeze, epochs, lr, test accuracy and error) to this file." };
        var quiet = new Option<bool>("--quiet") { Description = "No per-epoch lines." };
        var tensorBoard = new Option<string?>("--tensorboard") { Description = "Write TensorBoard event files into DIR/<arm> (pretrained, scratch): loss, accuracy and weight histograms per epoch." };

        var command = new Command("finetune", "Put a softmax head on a pretrained encoder and train it on N labels (optionally freezing lower layers; optionally next to a from-scratch baseline); prints test accuracy and a confusion matrix.")
        {
            model, labelled.Labels, labelled.LabelSeed, freeze, epochs, batchSize, learningRate, baseline, scratchOnly, labelled.Dataset, labelled.TrainLimit, results, quiet, tensorBoard,
        };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            int seed = parse.GetValue(common.Seed) ?? 0;
            common.ConfigureRuntime(parse, seed);
            string directory = parse.GetValue(model)!;
            using TrainedAutoencoder trained = TrainedAutoencoder.Load(directory);
            Autoencoder autoencoder = trained.Model;
            EncoderClassifierConfig config;
            try
            {
                config = EncoderClassifierConfig.ForPretrained(trained.Manifest.Model, 1);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"{directory}: {e.Message}", e);
            }

            using LabelledSplits data = labelled.Load(parse, directory, common, stdout);
            stdout.WriteLine($"labelled {data.Labelled.Count} of {data.Labelled.Name} ({string.Join(" ", data.Labelled.LabelCounts().Select(p => $"{p.Key}:{p.Value}"))}), test {data.Test.Count}");
            var options = new ClassifierTrainerOptions
            {
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batchSize),
                Seed = seed,
                FreezeLayers = parse.GetValue(freeze),
                Optimizer = new OptimizerOptions { LearningRate = parse.GetValue(learningRate) },
                Log = parse.GetValue(quiet) ? null : line => stdout.WriteLine($"  {line}"),
            };
            config = config with { Classes = data.Classes };
            var arms = new List<(string Name, bool Pretrained)>();
            if (!parse.GetValue(scratchOnly))
            {
                arms.Add(("pretrained", true));
            }

            if (parse.GetValue(baseline) || parse.GetValue(scratchOnly))
            {
                arms.Add(("scratch", false));
            }

            var errors = new Dictionary<string, double>();
            foreach ((string arm, bool pretrained) in arms)
            {
                // Both arms start from the same seed, so the head's initialisation is the same.
                TorchRuntime.SetSeed(seed);
                using EncoderClassifier classifier = config.Build();
                if (pretrained)
                {
                    classifier.LoadEncoder(autoencoder);
                }

                var armOptions = pretrained ? options : options with { FreezeLayers = 0 };
                stdout.WriteLine($"{arm}: {string.Join("-", config.Layers)}-{config.Classes}, {(armOptions.FreezeLayers > 0 ? $"lowest {armOptions.FreezeLayers} layers frozen, " : string.Empty)}{armOptions.Epochs} epochs, batch {armOptions.BatchSize}, Adam lr {armOptions.Optimizer.LearningRate.ToString(CultureInfo.InvariantCulture)}");
                using var trainer = new ClassifierTrainer(classifier, armOptions);
                if (parse.GetValue(tensorBoard) is string events)
                {
                    trainer.Trainer.Callbacks.Add(new TensorBoardLogger(Path.Combine(events, arm)));
                }

                trainer.Fit(data.Labelled);
                (IReadOnlyDictionary<string, double> metrics, ConfusionMatrix confusion) = trainer.Evaluate(data.Test);
                errors[arm] = confusion.Error;
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{arm} test accuracy {confusion.Accuracy:F4}  error {100 * confusion.Error:F2}%  (cross-entropy {metrics["loss"]:F4}, {data.Test.Count} test samples)"));
                stdout.Write(confusion.ToText(data.ClassNames));
                if (parse.GetValue(results) is string path)
                {
                    AppendResult(path, directory, data, arm, armOptions, confusion);
                }
            }

            if (errors.Count == 2)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pretraining lowers the test error by {100 * (errors["scratch"] - errors["pretrained"]):F2} percentage points ({100 * errors["scratch"]:F2}% -> {100 * errors["pretrained"]:F2}%)"));
            }

            return 0;
        });
        return command;
    }

    internal static void AppendResult(string path, string model, LabelledSplits data, string arm, ClassifierTrainerOptions options, ConfusionMatrix confusion)
    {
        bool fresh = !File.Exists(path);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        using var writer = new StreamWriter(path, append: true);
        if (fresh)
        {
            writer.WriteLine("model,data,labels,arm,freeze,epochs,batch_size,lr,test_accuracy,test_error");
        }

        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model},{data.Labelled.Name},{data.Labelled.Count},{arm},{options.FreezeLayers},{options.Epochs},{options.BatchSize},{options.Optimizer.LearningRate},{confusion.Accuracy:F4},{confusion.Error:F4}"));
    }
}
