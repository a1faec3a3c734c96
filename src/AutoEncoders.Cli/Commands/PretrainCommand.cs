using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Convolutional;
using AutoEncoders.Objectives;
using AutoEncoders.Objectives.Corruptions;
using AutoEncoders.Persistence;
using AutoEncoders.Training;
using AutoEncoders.Training.Callbacks;
using AutoEncoders.Training.Pretraining;

namespace AutoEncoders.Cli.Commands;

/// <summary>`ae pretrain`: greedy layer-wise pretraining of a (stacked denoising) dense or convolutional autoencoder into a model directory.</summary>
internal static class PretrainCommand
{
    /// <summary>File in the model directory that records the pretraining settings.</summary>
    public const string SettingsFile = "pretraining.json";

    public static Command Create()
    {
        var common = new CommonOptions();
        var recipeOption = new Option<string?>("--recipe", "-r") { Description = "Pretraining recipe (.json/.yaml) with per-layer settings, dense layers or a \"convolutional\" stack of stages (see recipes/pretraining/); --epochs, --batch-size, --lr, --mode, --finetune-epochs, --dataset, --train-limit, --seed and --device override it; the flags that define the layers (--layers, --activation, --noise, --l1, --kl, --contractive, --contractive-method) are refused with it." };
        var output = new Option<string>("--out", "-o") { Description = "Model directory to write (model.json, weights.bin, recipe.json, pretraining.json, layers/<k>/history.csv).", Required = true };
        var layers = new Option<string>("--layers") { Description = "Sizes from the input to the code; one layer is pretrained per step.", DefaultValueFactory = _ => "784,500,250,100" };
        var activation = EnumOption.Create<Activation>("--activation", "Activation of every pretrained layer (default sigmoid).");
        var objectiveFlags = new ObjectiveFlags("each pretrained layer");
        var epochs = new Option<int>("--epochs") { Description = "Epochs per layer.", DefaultValueFactory = _ => 10 };
        var batchSize = new Option<int>("--batch-size") { Description = "Mini-batch size.", DefaultValueFactory = _ => 128 };
        var learningRate = new Option<double>("--lr") { Description = "Learning rate of each layer (of Adam unless --optimizer says otherwise).", DefaultValueFactory = _ => 1e-3 };
        var optimizer = new OptimizerFlags();
        var validation = new HeldOutValidation();
        var mode = EnumOption.Create<PretrainingMode>("--mode", "separate_autoencoders: train shallow autoencoders on cached codes and stack them; frozen_stack: one deep stack, outer layers frozen (default separate_autoencoders).");
        var fineTuneEpochs = new Option<int>("--finetune-epochs") { Description = "End-to-end fine-tuning of the assembled autoencoder afterwards (0 = none).", DefaultValueFactory = _ => 0 };
        var dataset = new Option<string?>("--dataset") { Description = "Catalog dataset (mnist, fashion-mnist, kmnist; default mnist); labels are not used." };
        var trainLimit = new Option<long?>("--train-limit") { Description = "Pretrain on the first N training samples only." };
        var tensorBoard = new Option<string?>("--tensorboard") { Description = "Write TensorBoard event files into DIR/<stage> (layer-1, ..., fine-tune): losses per epoch and weight histograms." };

        var command = new Command("pretrain", "Greedy layer-wise pretraining (stacked denoising autoencoders, dense layers or convolutional stages from a recipe): each layer learns to reconstruct the previous layer's code; writes a model directory for `ae finetune`, `ae probe` and the other model commands.")
        {
            recipeOption, output, layers, activation, epochs, batchSize, learningRate, mode, fineTuneEpochs, dataset, trainLimit, tensorBoard,
        };
        objectiveFlags.AddTo(command);
        optimizer.AddTo(command);
        validation.AddTo(command);
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            LayerwisePretrainingOptions options;
            DataSource source;
            int seed;
            if (parse.GetValue(recipeOption) is string recipePath)
            {
                // The recipe holds every layer's settings. The training flags given on the command line override
                // them for every layer; the flags that define the layers would contradict the recipe, so they are
                // refused rather than silently ignored.
                Option[] defining = [layers, activation, .. objectiveFlags.All];
                if (defining.FirstOrDefault(o => Given(parse, o)) is Option conflicting)
                {
                    throw new ArgumentException($"{recipePath}: {conflicting.Name}: the recipe defines every layer; change it in the recipe, or leave --recipe out to build the stack from flags.");
                }

                PretrainingRecipe recipe = PretrainingRecipe.Load(recipePath);
                string device = parse.GetValue(common.Device) ?? "cpu";
                int? seedOverride = parse.GetValue(common.Seed);
                int? epochsOverride = Given(parse, epochs) ? parse.GetValue(epochs) : null;
                int? batchOverride = Given(parse, batchSize) ? parse.GetValue(batchSize) : null;
                double? rateOverride = Given(parse, learningRate) ? parse.GetValue(learningRate) : null;
                TrainerOptions Override(TrainerOptions t) => t with
                {
                    Progress = ProgressMode.Silent,
                    Device = device,
                    Epochs = epochsOverride ?? t.Epochs,
                    BatchSize = batchOverride ?? t.BatchSize,
                    Optimizer = optimizer.Apply(parse, rateOverride is double rate ? t.Optimizer with { LearningRate = rate } : t.Optimizer),
                };
                TrainerOptions? fineTuneOptions = recipe.Pretraining.FineTune is TrainerOptions f ? f with { Progress = ProgressMode.Silent, Device = device } : null;
                if (Given(parse, fineTuneEpochs))
                {
                    int fineTune = parse.GetValue(fineTuneEpochs);
                    fineTuneOptions = fineTune <= 0 ? null : (fineTuneOptions ?? Override(recipe.Pretraining.Layer(0).Training)) with { Epochs = fineTune };
                }

                options = recipe.Pretraining with
                {
                    LayerSettings = [.. recipe.Pretraining.LayerSettings.Select(l => l with { Training = Override(l.Training) with { Seed = seedOverride ?? l.Training.Seed } })],
                    Mode = parse.GetValue(mode) ?? recipe.Pretraining.Mode,
                    FineTune = fineTuneOptions,
                    Log = stdout.WriteLine,
                    Callbacks = Progress(stdout, parse.GetValue(tensorBoard)),
                };
                source = recipe.Data with
                {
                    Dataset = parse.GetValue(dataset) ?? recipe.Data.Dataset,
                    TrainLimit = parse.GetValue(trainLimit) ?? recipe.Data.TrainLimit,
                };
                seed = parse.GetValue(common.Seed) ?? options.Layer(0).Training.Seed;
            }
            else
            {
                seed = parse.GetValue(common.Seed) ?? 0;
                var layerTraining = new TrainerOptions
                {
                    Epochs = parse.GetValue(epochs),
                    BatchSize = parse.GetValue(batchSize),
                    Seed = seed,
                    Progress = ProgressMode.Silent,
                    Device = parse.GetValue(common.Device) ?? "cpu",
                    Optimizer = optimizer.Apply(parse, new OptimizerOptions { LearningRate = parse.GetValue(learningRate) }),
                };
                var layerObjective = new Objective
                {
                    Reconstruction = new BinaryCrossEntropy(),
                    Penalties = objectiveFlags.Penalties(parse),
                    Corruption = objectiveFlags.Corruption(parse),
                };
                int fineTune = parse.GetValue(fineTuneEpochs);
                options = new LayerwisePretrainingOptions
                {
                    Layers = ParseLayers(parse.GetValue(layers)!),
                    LayerSettings = [new PretrainingLayer { Activation = parse.GetValue(activation) ?? Activation.Sigmoid, Objective = layerObjective, Training = layerTraining }],
                    Mode = parse.GetValue(mode) ?? PretrainingMode.SeparateAutoencoders,
                    FineTune = fineTune > 0 ? layerTraining with { Epochs = fineTune } : null,
                    Log = stdout.WriteLine,
                    Callbacks = Progress(stdout, parse.GetValue(tensorBoard)),
                };
                source = new DataSource { Dataset = parse.GetValue(dataset) ?? "mnist", TrainLimit = parse.GetValue(trainLimit) };
            }

            options.Validate();
            Objective objective = options.Layer(0).Objective;
            TrainerOptions layerTraining0 = options.Layer(0).Training;

            common.ConfigureRuntime(parse, seed);
            using TensorDataset train = SetAside(DataSourceLoader.Load(source, DatasetSplit.Train, common.DatasetOptions(parse, stdout)), validation.Read(parse), stdout);
            stdout.WriteLine($"data     {train.Name}: {train.Count} samples of [{string.Join(", ", train.SampleShape)}]{(train.Note is null ? string.Empty : $" ({train.Note})")}, labels not used");
            Autoencoder model;
            ModelConfig config;
            IReadOnlyList<TrainingHistory> histories;
            TrainingHistory? fineTuneHistory;
            if (options.Convolutional is ConvolutionalStackSpec stack)
            {
                string shapes = string.Join(" -> ", Enumerable.Range(0, stack.Depth + 1).Select(k => $"[{string.Join(", ", stack.StageInputShape(k))}]"));
                stdout.WriteLine($"stack    convolutional, {stack.Depth} stage(s) {shapes}, {ModeName(options.Mode)}, stage 1: {string.Join(" + ", objective.TermNames)}{(objective.Corruption is null ? string.Empty : $" on {objective.Corruption.GetType().Name} inputs")}, {layerTraining0.Epochs} epochs");
                ConvolutionalPretrainingResult result = ConvolutionalLayerwisePretrainer.Pretrain(train, options);
                (model, config, histories, fineTuneHistory) = (result.Model, result.Config, result.StageHistories, result.FineTuneHistory);
            }
            else
            {
                stdout.WriteLine($"stack    {string.Join("-", options.Layers)} {ModeName(options.Mode)}, layer 1: {string.Join(" + ", objective.TermNames)}{(objective.Corruption is null ? string.Empty : $" on {objective.Corruption.GetType().Name} inputs")}, {layerTraining0.Epochs} epochs");
                LayerwisePretrainingResult result = LayerwisePretrainer.Pretrain(train, options);
                (model, config, histories, fineTuneHistory) = (result.Model, result.Config, result.LayerHistories, result.FineTuneHistory);
            }

            using Autoencoder owned = model;
            string directory = parse.GetValue(output)!;
            var trained = new TrainedAutoencoder(model, new ModelManifest
            {
                Model = config,
                Objective = objective,
                Training = layerTraining0,
                Data = DataFingerprint.Of(train),
                ClassNames = train.ClassNames.Count > 0 ? train.ClassNames : null,
            }, fineTuneHistory);
            trained.Save(directory);
            new RunDirectory(directory).SaveRecipe(new Recipe { Name = Path.GetFileName(Path.GetFullPath(directory)), Model = config, Objective = objective, Training = layerTraining0, Data = source });
            // A convolutional stack has no dense layer sizes: leave the unused default out of the record.
            LayerwisePretrainingOptions settings = options.Convolutional is null ? options : options with { Layers = [] };
            AtomicFile.WriteAllText(Path.Combine(directory, SettingsFile), JsonSerializer.Serialize(settings, JsonDefaults.Options));
            for (int k = 0; k < histories.Count; k++)
            {
                string layerDirectory = Path.Combine(directory, "layers", (k + 1).ToString(CultureInfo.InvariantCulture));
                Directory.CreateDirectory(layerDirectory);
                histories[k].Save(layerDirectory);
            }

            var plain = new Objective { Reconstruction = new BinaryCrossEntropy() };
            using var evaluator = new Trainer(model, plain, new TrainerOptions { Progress = ProgressMode.Silent, Device = layerTraining0.Device });
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"train    reconstruction bce {evaluator.Evaluate(train)["loss"]:G5} (deep autoencoder, clean inputs)"));
            stdout.WriteLine($"saved    {directory}");
            return 0;
        });
        return command;
    }

    // The training data without the validation split, which pretraining must not see (`ae finetune` with the same
    // fraction and seed watches it).
    private static TensorDataset SetAside(TensorDataset data, (double Fraction, long Seed)? split, TextWriter stdout)
    {
        if (split is not (double fraction, long seed))
        {
            return data;
        }

        using (data)
        {
            (TensorDataset rest, TensorDataset validation) = data.Split(fraction, seed);
            stdout.WriteLine($"split    {validation.Count} of {data.Count} samples set aside for validation (--validation-split {fraction.ToString(CultureInfo.InvariantCulture)}, seed {seed}); not pretrained on");
            validation.Dispose();
            return rest;
        }
    }

    // Each stage's and the fine-tuning's epochs on the console: a live bar on a terminal, a line per epoch otherwise.
    // With a TensorBoard folder, each stage logs into a subfolder named after it ("layer-2", "fine-tune").
    private static Func<string, IEnumerable<ITrainingCallback>> Progress(TextWriter stdout, string? tensorBoard) => label =>
    {
        var progress = new ConsoleProgress(ReferenceEquals(stdout, Console.Out) ? null : stdout, ProgressMode.Auto, label);
        return tensorBoard is null ? [progress] : [progress, new TensorBoardLogger(Path.Combine(tensorBoard, label.Split('/')[0].Replace(' ', '-')))];
    };

    internal static int[] ParseLayers(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : throw new ArgumentException($"--layers: '{s}' is not a layer size; expected positive integers such as 784,500,250,100."))
            .ToArray();

    private static string ModeName(PretrainingMode mode) => mode == PretrainingMode.FrozenStack ? "frozen stack" : "separate autoencoders";

    // Whether the user typed the option (a default value is not an override).
    private static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };
}
