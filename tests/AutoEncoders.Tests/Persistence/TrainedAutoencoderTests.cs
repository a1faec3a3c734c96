using System.Text.Json;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Persistence;

public sealed class TrainedAutoencoderTests
{
    private static readonly DenseAutoencoderConfig Config = new() { Layers = [784, 32, 8], Activation = Activation.Tanh };

    private static string SaveModel(TempDirectory directory, DenseAutoencoderConfig? config = null)
    {
        TorchRuntime.SetSeed(4);
        var model = (config ?? Config).Build();
        var objective = new Objective { Reconstruction = new BinaryCrossEntropy(), Penalties = [new L1ActivityPenalty { Weight = 1e-4 }] };
        new TrainedAutoencoder(model, new ModelManifest { Model = config ?? Config, Objective = objective }).Save(directory.Path);
        return directory.Path;
    }

    [Fact]
    public void A_saved_model_loads_back_into_an_identical_model()
    {
        using var directory = new TempDirectory();
        SaveModel(directory);
        TorchRuntime.SetSeed(4);
        using Autoencoder original = Config.Build();
        using Tensor x = torch.rand(5, 784);

        using TrainedAutoencoder loaded = TrainedAutoencoder.Load(directory.Path);

        Assert.Equal(JsonSerializer.Serialize<ModelConfig>(Config, JsonDefaults.Options), JsonSerializer.Serialize(loaded.Manifest.Model, JsonDefaults.Options));
        Assert.True(loaded.Reconstruct(x).equal(original.Reconstruct(x)).all().item<bool>());
        Assert.Equal(["loss", "bce", "l1_activity"], loaded.Loss(x).Keys);
        Assert.Equal(original.ParameterCount, loaded.Manifest.ParameterCount);
    }

    [Fact]
    public void A_missing_directory_or_manifest_is_refused_saying_what_is_missing()
    {
        using var directory = new TempDirectory();
        Assert.Contains("no such model directory", Assert.Throws<DirectoryNotFoundException>(() => TrainedAutoencoder.Load(directory.File("nope"))).Message, StringComparison.Ordinal);
        Assert.Contains("model.json is missing", Assert.Throws<FileNotFoundException>(() => TrainedAutoencoder.Load(directory.Path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_manifest_is_refused_with_its_line()
    {
        using var directory = new TempDirectory();
        SaveModel(directory);
        File.WriteAllText(directory.File("model.json"), "{\n  \"format\": \"autoencoders.model\",\n  \"model\": { \"kind\": \"dense\", \"layers\": [784, \"many\"] }\n}");
        var e = Assert.Throws<InvalidDataException>(() => TrainedAutoencoder.Load(directory.Path));
        Assert.Contains("model.json: line 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_from_another_architecture_are_refused()
    {
        using var directory = new TempDirectory();
        using var other = new TempDirectory();
        SaveModel(directory);
        SaveModel(other, Config with { Layers = [784, 64, 8] });
        File.Copy(other.File("weights.bin"), directory.File("weights.bin"), overwrite: true);

        var e = Assert.Throws<InvalidDataException>(() => TrainedAutoencoder.Load(directory.Path));
        Assert.Contains("weights.bin: offset ", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected the weights of the architecture in model.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_weights_are_refused()
    {
        using var directory = new TempDirectory();
        SaveModel(directory);
        byte[] weights = File.ReadAllBytes(directory.File("weights.bin"));
        File.WriteAllBytes(directory.File("weights.bin"), weights[..(weights.Length / 2)]);

        Assert.Throws<InvalidDataException>(() => TrainedAutoencoder.Load(directory.Path));
    }

    [Fact]
    public void A_checkpoint_from_another_architecture_is_refused_before_anything_is_loaded()
    {
        using var directory = new TempDirectory();
        TorchRuntime.SetSeed(1);
        using Tensor data = torch.rand(64, 784);
        using var dataset = new AutoEncoders.Data.TensorDataset(data.clone());
        var options = new TrainerOptions { Epochs = 1, BatchSize = 32, Progress = ProgressMode.Silent };
        using (Autoencoder model = Config.Build())
        using (var trainer = new Trainer(model, new Objective(), options) { CheckpointPath = directory.File("a.ckpt") })
        {
            trainer.Fit(dataset);
        }

        using Autoencoder different = (Config with { Layers = [784, 16, 8] }).Build();
        using var other = new Trainer(different, new Objective(), options);
        var e = Assert.Throws<InvalidOperationException>(() => other.Fit(dataset, resumeFrom: directory.File("a.ckpt")));
        Assert.Contains("was written for a different model", e.Message, StringComparison.Ordinal);

        File.WriteAllText(directory.File("b.ckpt"), "garbage");
        Assert.Throws<InvalidDataException>(() => other.Fit(dataset, resumeFrom: directory.File("b.ckpt")));
    }

    [Fact]
    public void Yaml_and_json_recipes_read_the_same_and_bad_fields_are_named()
    {
        using var directory = new TempDirectory();
        string yaml = directory.Write("r.yaml", "name: x\nmodel:\n  kind: dense\n  layers: [784, 16]\n  activation: tanh\nobjective:\n  reconstruction: { kind: bce }\n  penalties:\n    - { kind: contractive, method: closed_form, weight: 0.1 }\ntraining: { epochs: 3, optimizer: { learningRate: 0.01 } }\n");
        Recipe fromYaml = Recipe.Load(yaml);
        Recipe fromJson = Recipe.Parse(fromYaml.ToJson(), "round trip");
        Assert.Equal(fromYaml.ToJson(), fromJson.ToJson());
        Assert.Equal(0.01, fromYaml.Training.Optimizer.LearningRate);
        Assert.Equal(JacobianMethod.ClosedForm, ((ContractivePenalty)fromYaml.Objective.Penalties[0]).Method);

        string bad = directory.Write("bad.json", "{ \"model\": { \"kind\": \"dense\", \"layers\": [784, 16] }, \"training\": { \"epoch\": 3 } }");
        Assert.Contains("epoch", Assert.Throws<InvalidDataException>(() => Recipe.Load(bad)).Message, StringComparison.Ordinal);
        string invalid = directory.Write("invalid.json", "{ \"model\": { \"kind\": \"dense\", \"layers\": [784] } }");
        Assert.Contains("layers needs at least", Assert.Throws<InvalidDataException>(() => Recipe.Load(invalid)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_shipped_recipe_parses()
    {
        string recipes = Path.Combine(RepositoryFolder.Root, "recipes");
        string[] files = Directory.GetFiles(recipes).Where(f => (f.EndsWith(".json", StringComparison.Ordinal) && !f.EndsWith(".schema.json", StringComparison.Ordinal)) || f.EndsWith(".yaml", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            Recipe recipe = Recipe.Load(file);
            Assert.False(string.IsNullOrEmpty(recipe.Name), $"{file} has no name");
        }
    }
}
