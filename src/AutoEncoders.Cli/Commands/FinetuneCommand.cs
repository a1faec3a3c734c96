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
/// labels; optionally the same network from scratch next to it; test accuracy and a confusion matrix. With
/// --validation-split the labels come from the rest of the training data and the split set aside is watched every
/// epoch (early stopping with --patience, keeping the best epoch's weights), as the stacked denoising
/// autoencoder papers fine-tune (Vincent et al., 2008).
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
        var learningRate = new Option<double>("--lr") { Description = "Learning rate (of Adam unless --optimizer says otherwise).", DefaultValueFactory = _ => 1e-3 };
        var optimizer = new OptimizerFlags();
        var validation = new HeldOutValidation();
        var patience = new Option<int?>("--patience") { Description = "Stop when the validation split's cross-entropy has not improved for this many epochs and keep the best epoch's weights (needs --validation-split)." };
        var scratchLayers = new Option<string?>("--layers") { Description = "With --scratch: the from-scratch network's sizes instead of the model's, input size first (e.g. 784 alone: softmax regression on the inputs)." };
        var baseline = new Option<bool>("--baseline") { Description = "Also train the same architecture from scratch (same labels, epochs, rate, seed) and compare." };
        var scratchOnly = new Option<bool>("--scratch") { Description = "Train only the from-scratch network (the model directory gives just the architecture)." };
        var results = new Option<string?>("--results") { Description = "Append one CSV row per trained network (arm, labels, freeze, epochs, lr, test accuracy and error) to this file." };
        var quiet = new Option<bool>("--quiet") { Description = "No per-epoch lines." };
        var tensorBoard = new Option<string?>("--tensorboard") { Description = "Write TensorBoard event files into DIR/<arm> (pretrained, scratch): loss, accuracy and weight histograms per epoch." };

        var command = new Command("finetune", "Put a softmax head on a pretrained encoder and train it on N labels (optionally freezing lower layers; optionally next to a from-scratch baseline); prints test accuracy and a confusion matrix.")
        {
            model, labelled.Labels, labelled.LabelSeed, freeze, epochs, batchSize, learningRate, baseline, scratchOnly, labelled.Dataset, labelled.TrainLimit, results, quiet, tensorBoard, patience, scratchLayers,
        };
        optimizer.AddTo(command);
        validation.AddTo(command);
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

            if (parse.GetValue(scratchLayers) is string sizes)
            {
                if (!parse.GetValue(scratchOnly))
                {
                    throw new ArgumentException("--layers: sets the from-scratch network's sizes; use it with --scratch (a pretrained encoder has the model's sizes).");
                }

                int[] layers = PretrainCommand.ParseLayers(sizes);
                config = config with { Layers = layers, Activation = config.EncoderActivation(0), Activations = null };
            }

            int? stopAfter = parse.GetValue(patience);
            if (stopAfter is int p && (p < 1 || parse.GetValue(validation.Fraction) is null))
            {
                throw new ArgumentException(p < 1 ? $"--patience: must be at least 1 epoch; found {p}." : "--patience: early stopping watches the validation split; give --validation-split too.");
            }

            OptimizerOptions optimizerOptions = optimizer.Apply(parse, new OptimizerOptions { LearningRate = parse.GetValue(learningRate) });
            using LabelledSplits data = labelled.Load(parse, directory, common, stdout, validation.Read(parse));
            stdout.WriteLine($"labelled {data.Labelled.Count} of {data.Labelled.Name} ({string.Join(" ", data.Labelled.LabelCounts().Select(p => $"{p.Key}:{p.Value}"))}), {(data.Validation is null ? string.Empty : $"validation {data.Validation.Count} (set aside, seed {parse.GetValue(validation.Seed)}), ")}test {data.Test.Count}");
            if (config.Layers[0] != data.Labelled.SampleSize)
            {
                throw new ArgumentException($"--layers: the input size {config.Layers[0]} does not match the data's {data.Labelled.SampleSize} values per sample.");
            }

            var options = new ClassifierTrainerOptions
            {
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batchSize),
                Seed = seed,
                FreezeLayers = parse.GetValue(freeze),
                Optimizer = optimizerOptions,
                EarlyStopping = stopAfter is int wait ? new EarlyStoppingOptions { Patience = wait, RestoreBestWeights = true } : null,
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
                stdout.WriteLine($"{arm}: {string.Join("-", config.Layers)}-{config.Classes}, {(armOptions.FreezeLayers > 0 ? $"lowest {armOptions.FreezeLayers} layers frozen, " : string.Empty)}{(armOptions.EarlyStopping is null ? string.Empty : "at most ")}{armOptions.Epochs} epochs, batch {armOptions.BatchSize}, {Describe(armOptions.Optimizer)}");
                using var trainer = new ClassifierTrainer(classifier, armOptions);
                if (parse.GetValue(tensorBoard) is string events)
                {
                    trainer.Trainer.Callbacks.Add(new TensorBoardLogger(Path.Combine(events, arm)));
                }

                var clock = System.Diagnostics.Stopwatch.StartNew();
                TrainingHistory history = trainer.Fit(data.Labelled, data.Validation);
                var outcome = new FinetuneOutcome(history.Epochs.Count, clock.Elapsed.TotalSeconds, data.Validation is null ? null : trainer.Evaluate(data.Validation).Confusion.Error);
                if (history.StopReason is string reason)
                {
                    stdout.WriteLine($"  {reason}");
                }

                (IReadOnlyDictionary<string, double> metrics, ConfusionMatrix confusion) = trainer.Evaluate(data.Test);
                errors[arm] = confusion.Error;
                if (outcome.ValidationError is double validationError)
                {
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{arm} validation error {100 * validationError:F2}% ({data.Validation!.Count} samples, the weights kept)"));
                }

                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{arm} test accuracy {confusion.Accuracy:F4}  error {100 * confusion.Error:F2}%  (cross-entropy {metrics["loss"]:F4}, {data.Test.Count} test samples)"));
                stdout.Write(confusion.ToText(data.ClassNames));
                if (parse.GetValue(results) is string path)
                {
                    AppendResult(path, directory, data, arm, armOptions, confusion, outcome);
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

    internal static void AppendResult(string path, string model, LabelledSplits data, string arm, ClassifierTrainerOptions options, ConfusionMatrix confusion, FinetuneOutcome? outcome = null)
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
            writer.WriteLine("model,data,labels,arm,freeze,epochs,batch_size,lr,test_accuracy,test_error,validation_error,epochs_run,seconds,optimizer,momentum");
        }

        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model},{data.Labelled.Name},{data.Labelled.Count},{arm},{options.FreezeLayers},{options.Epochs},{options.BatchSize},{options.Optimizer.LearningRate},{confusion.Accuracy:F4},{confusion.Error:F4},{(outcome?.ValidationError is double v ? v.ToString("F4", CultureInfo.InvariantCulture) : string.Empty)},{outcome?.Epochs},{outcome?.Seconds:F1},{EnumOption.Spell(options.Optimizer.Kind)},{options.Optimizer.Momentum}"));
    }

    private static string Describe(OptimizerOptions optimizer) => string.Create(
        CultureInfo.InvariantCulture,
        $"{EnumOption.Spell(optimizer.Kind)} lr {optimizer.LearningRate}{(optimizer.Momentum > 0 ? $" momentum {optimizer.Momentum}" : string.Empty)}");
}
