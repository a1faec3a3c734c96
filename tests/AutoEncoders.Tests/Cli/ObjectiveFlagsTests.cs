using System.Text.Json.Nodes;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Cli;

/// <summary>--noise, --l1, --kl, --contractive and --contractive-method mean the same on `ae train` and `ae pretrain`.</summary>
public sealed class ObjectiveFlagsTests
{
    [Fact]
    public void Train_and_pretrain_read_kl_and_contractive_alike()
    {
        using var folder = new TempDirectory();
        string[] flags = ["--kl", "0.05:0.1", "--contractive", "0.2", "--noise", "masking:0.25"];
        string[] data = ["--dataset", "mnist", "--train-limit", "100", "--epochs", "1", "--data-dir", TestData.DatasetsRoot, "--threads", "1"];

        CliRun train = CliRun.Of(["train", "--layers", "784,16", "--code-activation", "sigmoid", "--out", folder.File("runs"), "--progress", "silent", .. data, .. flags]);
        Assert.True(train.ExitCode == 0, train.Error + train.Output);
        JsonNode trained = JsonNode.Parse(File.ReadAllText(Path.Combine(Directory.GetDirectories(folder.File("runs")).Single(), "recipe.json")))!;

        CliRun pretrain = CliRun.Of(["pretrain", "--layers", "784,16", "--out", folder.File("pretrained"), .. data, .. flags]);
        Assert.True(pretrain.ExitCode == 0, pretrain.Error + pretrain.Output);
        JsonNode pretrained = JsonNode.Parse(File.ReadAllText(Path.Combine(folder.File("pretrained"), "pretraining.json")))!;
        JsonNode layerObjective = FindObjective(pretrained) ?? throw new InvalidOperationException(pretrained.ToJsonString());

        string expected = "kl_sparsity target=0.05 weight=0.1; contractive method=exact weight=0.2";
        Assert.Equal(expected, Compact(trained["objective"]!["penalties"]!));
        Assert.Equal(expected, Compact(layerObjective["penalties"]!));
        Assert.Equal(Compact(trained["objective"]!["corruption"]!), Compact(layerObjective["corruption"]!));
    }

    [Theory]
    [InlineData("train")]
    [InlineData("pretrain")]
    public void A_contractive_method_without_a_weight_is_refused(string command)
    {
        using var folder = new TempDirectory();
        CliRun run = CliRun.Of(command, "--layers", "784,16", "--contractive-method", "closed_form", "--out", folder.File("out"), "--dataset", "mnist", "--data-dir", TestData.DatasetsRoot);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: --contractive-method: applies to --contractive, which was not given.", run.Error.Trim());
        Assert.False(Directory.Exists(folder.File("out")) && Directory.EnumerateFileSystemEntries(folder.File("out")).Any());
    }

    [Fact]
    public void For_one_sigmoid_layer_the_exact_penalty_and_the_closed_form_are_the_same_number()
    {
        // Why the old `ae pretrain --contractive W` (closed form) keeps its value now that it computes exactly.
        using var scope = NewDisposeScope();
        manual_seed(4);
        using Autoencoder model = new DenseAutoencoderConfig { Layers = [20, 6], CodeActivation = Activation.Sigmoid }.Build();
        Tensor x = rand(new long[] { 9, 20 });
        Tensor input = x.detach().requires_grad_(true);
        var context = new LossContext { Model = model, Target = x, Input = input, Output = model.call(input), Training = false };

        double exact = new ContractivePenalty { Method = JacobianMethod.Exact }.Compute(context).item<float>();
        double closed = new ContractivePenalty { Method = JacobianMethod.ClosedForm }.Compute(context).item<float>();

        Assert.True(exact > 0);
        Assert.Equal(exact, closed, exact * 1e-5);
    }

    // The fields that say what a term computes (a run's recipe.json also writes derived ones, such as its name).
    private static string Compact(JsonNode node) => node is JsonArray terms
        ? string.Join("; ", terms.Select(t => string.Join(" ", new[] { "kind", "target", "method", "weight", "fraction" }
            .Where(k => t![k] is not null)
            .Select(k => k == "kind" ? t![k]!.GetValue<string>() : $"{k}={t![k]!.ToJsonString().Trim('"')}"))))
        : Compact(new JsonArray(node.DeepClone()));

    private static JsonNode? FindObjective(JsonNode node)
    {
        if (node is JsonObject o)
        {
            if (o["objective"] is JsonObject objective && objective["penalties"] is not null)
            {
                return objective;
            }

            foreach ((string _, JsonNode? child) in o)
            {
                if (child is not null && FindObjective(child) is JsonNode found)
                {
                    return found;
                }
            }
        }
        else if (node is JsonArray a)
        {
            foreach (JsonNode? child in a)
            {
                if (child is not null && FindObjective(child) is JsonNode found)
                {
                    return found;
                }
            }
        }

        return null;
    }
}
