using System.Text.Json;
using AutoEncoders.Persistence;

namespace AutoEncoders.Tests.Cli;

public sealed class PretrainingCommandTests
{
    [Fact]
    public void Pretrain_then_finetune_with_a_baseline_and_probe_through_the_command_line()
    {
        using var dir = new TempDirectory();
        string model = dir.File("sdae");
        string data = TestData.DatasetsRoot;
        CliRun pretrain = CliRun.Of("pretrain", "-o", model, "--dataset", "mnist", "--train-limit", "400", "--layers", "784,32,16",
            "--noise", "masking:0.25", "--epochs", "2", "--batch-size", "50", "--lr", "0.005", "--mode", "frozen_stack", "--data-dir", data, "--seed", "2");
        Assert.True(pretrain.ExitCode == 0, pretrain.Error + pretrain.Output);
        Assert.Contains("layer 2/2 (32-16, frozen stack)", pretrain.Output, StringComparison.Ordinal);
        foreach (string file in new[] { "model.json", "weights.bin", "recipe.json", "pretraining.json", "layers/1/history.csv", "layers/2/history.csv" })
        {
            Assert.True(File.Exists(Path.Combine(model, file)), $"{file} missing from the model directory");
        }

        using (JsonDocument settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "pretraining.json"))))
        {
            Assert.Equal("frozen_stack", settings.RootElement.GetProperty("mode").GetString());
        }

        string csv = dir.File("results.csv");
        CliRun finetune = CliRun.Of("finetune", model, "--labels", "50", "--freeze", "1", "--epochs", "3", "--baseline", "--quiet",
            "--results", csv, "--data-dir", data);
        Assert.True(finetune.ExitCode == 0, finetune.Error + finetune.Output);
        Assert.Contains("labelled 50 of mnist/train-10k (0:5 1:5 2:5 3:5 4:5 5:5 6:5 7:5 8:5 9:5)", finetune.Output, StringComparison.Ordinal);
        Assert.Contains("pretrained: 784-32-16-10, lowest 1 layers frozen", finetune.Output, StringComparison.Ordinal);
        Assert.Contains("scratch test accuracy", finetune.Output, StringComparison.Ordinal);
        Assert.Contains("true\\pred", finetune.Output, StringComparison.Ordinal);
        Assert.Contains("pretraining lowers the test error by", finetune.Output, StringComparison.Ordinal);
        string[] rows = File.ReadAllLines(csv);
        Assert.Equal(3, rows.Length);
        Assert.Contains(",50,pretrained,1,3,", rows[1], StringComparison.Ordinal);
        Assert.Contains(",50,scratch,0,3,", rows[2], StringComparison.Ordinal);

        CliRun probe = CliRun.Of("probe", model, "--labels", "200", "--epochs", "2", "--k", "3", "--data-dir", data);
        Assert.True(probe.ExitCode == 0, probe.Error + probe.Output);
        Assert.Contains("codes    16 values per sample; 200 labelled training codes, 10000 test codes", probe.Output, StringComparison.Ordinal);
        Assert.Contains("linear probe (2 epochs", probe.Output, StringComparison.Ordinal);
        Assert.Contains("3-NN test accuracy", probe.Output, StringComparison.Ordinal);

        CliRun tooMany = CliRun.Of("finetune", model, "--freeze", "3", "--labels", "20", "--epochs", "1", "--data-dir", data);
        Assert.Equal(1, tooMany.ExitCode);
        Assert.Contains("--freeze: the encoder has 2 layers", tooMany.Error, StringComparison.Ordinal);
        CliRun noLabels = CliRun.Of("finetune", model, "--labels", "0", "--data-dir", data);
        Assert.Equal(1, noLabels.ExitCode);
        Assert.Contains("--labels: 0 is outside 1..400", noLabels.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pretraining_recipe_gives_each_layer_its_own_objective()
    {
        using var dir = new TempDirectory();
        string recipe = dir.Write("stack.json", """
            {
              "name": "tiny-stack",
              "pretraining": {
                "layers": [784, 24, 8],
                "layerSettings": [
                  { "activation": "sigmoid",
                    "objective": { "reconstruction": { "kind": "bce" }, "corruption": { "kind": "masking", "fraction": 0.3 } },
                    "training": { "epochs": 1, "batchSize": 50, "optimizer": { "learningRate": 0.005 } } },
                  { "activation": "sigmoid",
                    "objective": { "reconstruction": { "kind": "bce" },
                                   "penalties": [ { "kind": "kl_sparsity", "target": 0.1, "weight": 0.1 },
                                                  { "kind": "contractive", "method": "closed_form", "weight": 0.001 } ] },
                    "training": { "epochs": 2, "batchSize": 50, "optimizer": { "learningRate": 0.005 } } }
                ]
              },
              "data": { "dataset": "mnist", "trainLimit": 200 }
            }
            """);
        string model = dir.File("m");
        CliRun run = CliRun.Of("pretrain", "--recipe", recipe, "-o", model, "--data-dir", TestData.DatasetsRoot);
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("200 samples", run.Output, StringComparison.Ordinal);
        string[] layer1 = File.ReadAllLines(Path.Combine(model, "layers", "1", "history.csv"));
        string[] layer2 = File.ReadAllLines(Path.Combine(model, "layers", "2", "history.csv"));
        Assert.Equal(2, layer1.Length);
        Assert.Equal(3, layer2.Length);
        Assert.DoesNotContain("kl_sparsity", layer1[0], StringComparison.Ordinal);
        Assert.Contains("kl_sparsity", layer2[0], StringComparison.Ordinal);
        Assert.Contains("contractive", layer2[0], StringComparison.Ordinal);

        // --epochs and --mode override the recipe for every layer instead of being silently ignored.
        string overridden = dir.File("o");
        CliRun over = CliRun.Of("pretrain", "--recipe", recipe, "-o", overridden, "--epochs", "3", "--mode", "frozen_stack", "--data-dir", TestData.DatasetsRoot);
        Assert.True(over.ExitCode == 0, over.Error + over.Output);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(overridden, "layers", "1", "history.csv")).Length);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(overridden, "layers", "2", "history.csv")).Length);
        string settings = File.ReadAllText(Path.Combine(overridden, "pretraining.json"));
        Assert.Contains("frozen_stack", settings, StringComparison.Ordinal);
        Assert.Contains("frozen", over.Output, StringComparison.Ordinal);

        // A flag that defines the layers contradicts the recipe: one line, and no model directory.
        CliRun conflict = CliRun.Of("pretrain", "--recipe", recipe, "-o", dir.File("c"), "--noise", "masking:0.5");
        Assert.Equal(1, conflict.ExitCode);
        Assert.Equal($"error: {recipe}: --noise: the recipe defines every layer; change it in the recipe, or leave --recipe out to build the stack from flags.\n", conflict.Error.ReplaceLineEndings("\n"));
        Assert.False(Directory.Exists(dir.File("c")));

        string bad = dir.Write("bad.json", """{ "pretraining": { "layers": [784, 24, 8], "layerSettings": [ {}, {}, {} ] } }""");
        CliRun refused = CliRun.Of("pretrain", "--recipe", bad, "-o", dir.File("x"));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("layerSettings needs one entry per encoder layer (2)", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_stacked_denoising_recipe_parses()
    {
        string path = Path.Combine(RepositoryFolder.Root, "recipes", "pretraining", "sdae-784-500-250-100.json");
        var recipe = AutoEncoders.Training.Pretraining.PretrainingRecipe.Load(path);
        Assert.Equal([784, 500, 250, 100], recipe.Pretraining.Layers);
        Assert.Equal(3, recipe.Pretraining.LayerSettings.Count);
        Assert.All(recipe.Pretraining.LayerSettings, l => Assert.NotNull(l.Objective.Corruption));
    }

    [Fact]
    public void A_convolutional_stack_recipe_writes_a_loadable_convolutional_model()
    {
        using var dir = new TempDirectory();
        string recipe = dir.Write("scae.json", """
            {
              "name": "tiny-scae",
              "pretraining": {
                "convolutional": {
                  "channels": 1, "height": 28, "width": 28,
                  "stages": [
                    { "encoder": [ { "type": "conv2d", "filters": 4, "padding": "same", "activation": "relu" }, { "type": "max_pool2d", "name": "pool1" } ],
                      "decoder": [ { "type": "max_unpool2d", "pool": "pool1" }, { "type": "conv2d", "filters": 1, "padding": "same", "activation": "sigmoid" } ] },
                    { "encoder": [ { "type": "conv2d", "filters": 2, "padding": "same", "activation": "relu" }, { "type": "max_pool2d" } ],
                      "decoder": [ { "type": "upsample" }, { "type": "conv2d", "filters": 4, "padding": "same", "activation": "relu" } ] }
                  ]
                },
                "layerSettings": [
                  { "objective": { "reconstruction": { "kind": "bce" }, "corruption": { "kind": "gaussian", "factor": 0.3 } },
                    "training": { "epochs": 1, "batchSize": 50, "optimizer": { "learningRate": 0.005 } } },
                  { "objective": { "reconstruction": { "kind": "mse" } },
                    "training": { "epochs": 2, "batchSize": 50, "optimizer": { "learningRate": 0.005 } } }
                ],
                "fineTune": { "epochs": 1, "batchSize": 50 }
              },
              "data": { "dataset": "mnist", "trainLimit": 200 }
            }
            """);
        string model = dir.File("scae");
        CliRun run = CliRun.Of("pretrain", "--recipe", recipe, "-o", model, "--data-dir", TestData.DatasetsRoot);
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("stack    convolutional, 2 stage(s) [1, 28, 28] -> [4, 14, 14] -> [2, 7, 7], separate autoencoders", run.Output, StringComparison.Ordinal);
        Assert.Contains("stage 2/2 ([4, 14, 14] -> [2, 7, 7], separate autoencoder): 2 epochs", run.Output, StringComparison.Ordinal);
        Assert.Contains("fine-tune: 1 epochs", run.Output, StringComparison.Ordinal);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(model, "layers", "2", "history.csv")).Length);
        using (JsonDocument settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "pretraining.json"))))
        {
            Assert.Equal(2, settings.RootElement.GetProperty("convolutional").GetProperty("stages").GetArrayLength());
            Assert.Equal(0, settings.RootElement.GetProperty("layers").GetArrayLength());
        }


        using TrainedAutoencoder loaded = TrainedAutoencoder.Load(model);
        var conv = Assert.IsType<AutoEncoders.Models.Convolutional.ConvolutionalAutoencoder>(loaded.Model);
        Assert.Equal((4 * 9) + 4 + (4 * 2 * 9) + 2 + (2 * 4 * 9) + 4 + (4 * 9) + 1, conv.ParameterCount);
        Assert.Equal([2L, 7, 7], loaded.Model.Config.CodeShape);

        CliRun summary = CliRun.Of("summary", model);
        Assert.True(summary.ExitCode == 0, summary.Error + summary.Output);
        Assert.Contains("Total params: 227", summary.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_stacked_convolutional_recipe_parses_into_the_deep_model()
    {
        string path = Path.Combine(RepositoryFolder.Root, "recipes", "pretraining", "scae-fashion.json");
        var recipe = AutoEncoders.Training.Pretraining.PretrainingRecipe.Load(path);
        Assert.NotNull(recipe.Pretraining.Convolutional);
        Assert.Equal(2, recipe.Pretraining.Depth);
        Assert.Equal([8L, 7, 7], recipe.Pretraining.Convolutional!.DeepConfig().CodeShape);
        Assert.Equal("fashion-mnist", recipe.Data.Dataset);
    }
}
