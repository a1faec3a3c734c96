using System.Globalization;
using System.Text.RegularExpressions;

namespace AutoEncoders.Tests.Cli;

/// <summary>
/// `ae pretrain` and `ae finetune` with a validation split set aside (--validation-split/--split-seed), early
/// stopping on it (--patience), SGD with momentum (--optimizer/--momentum) and softmax regression on the inputs
/// (--scratch --layers 784): the protocol of experiments/sda.
/// </summary>
public sealed partial class ValidationSplitFinetuneTests
{
    [Fact]
    public void Pretraining_and_fine_tuning_leave_the_same_validation_split_aside_and_stop_on_it()
    {
        using var dir = new TempDirectory();
        string model = dir.File("sda");
        string data = TestData.DatasetsRoot;
        CliRun pretrain = CliRun.Of("pretrain", "-o", model, "--dataset", "mnist", "--train-limit", "400", "--validation-split", "0.25",
            "--layers", "784,32,16", "--noise", "masking:0.1", "--epochs", "1", "--batch-size", "50", "--lr", "0.005", "--data-dir", data,
            "--optimizer", "sgd", "--momentum", "0.9");
        Assert.True(pretrain.ExitCode == 0, pretrain.Error + pretrain.Output);
        Assert.Contains("split    100 of 400 samples set aside for validation (--validation-split 0.25, seed 0); not pretrained on", pretrain.Output, StringComparison.Ordinal);
        Assert.Contains(": 300 samples of [1, 28, 28]", pretrain.Output, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"sgd\"", File.ReadAllText(Path.Combine(model, "pretraining.json")), StringComparison.Ordinal);

        string csv = dir.File("results.csv");
        CliRun finetune = CliRun.Of("finetune", model, "--validation-split", "0.25", "--patience", "1", "--epochs", "8", "--batch-size", "50",
            "--optimizer", "sgd", "--momentum", "0.9", "--lr", "2", "--baseline", "--quiet", "--results", csv, "--data-dir", data);
        Assert.True(finetune.ExitCode == 0, finetune.Error + finetune.Output);
        Assert.Contains("labelled 300 of mnist/train-10k", finetune.Output, StringComparison.Ordinal);
        Assert.Contains("validation 100 (set aside, seed 0), test 10000", finetune.Output, StringComparison.Ordinal);
        Assert.Contains("pretrained: 784-32-16-10, at most 8 epochs, batch 50, sgd lr 2 momentum 0.9", finetune.Output, StringComparison.Ordinal);

        // A learning rate of 2 with momentum overshoots: the validation loss rises, early stopping ends the run after
        // the patience of 1 epoch and the best epoch's weights are kept.
        Assert.Contains("val_loss has not improved for 1 epochs", finetune.Output, StringComparison.Ordinal);
        double printed = double.Parse(ValidationError().Match(finetune.Output).Groups[1].Value, CultureInfo.InvariantCulture);
        string[] rows = File.ReadAllLines(csv);
        Assert.Equal(3, rows.Length);
        Assert.EndsWith(",validation_error,epochs_run,seconds,optimizer,momentum", rows[0], StringComparison.Ordinal);
        string[] pretrained = rows[1].Split(',');
        Assert.Equal("pretrained", pretrained[3]);
        Assert.Equal(printed / 100, double.Parse(pretrained[10], CultureInfo.InvariantCulture), 4);
        Assert.InRange(int.Parse(pretrained[11], CultureInfo.InvariantCulture), 2, 7);
        Assert.Equal(["sgd", "0.9"], pretrained[13..]);

        CliRun logistic = CliRun.Of("finetune", model, "--scratch", "--layers", "784", "--validation-split", "0.25", "--epochs", "2", "--quiet", "--data-dir", data);
        Assert.True(logistic.ExitCode == 0, logistic.Error + logistic.Output);
        Assert.Contains("scratch: 784-10, 2 epochs, batch 32, adam lr 0.001", logistic.Output, StringComparison.Ordinal);
        Assert.Contains("scratch validation error", logistic.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--layers", "784", "--layers: sets the from-scratch network's sizes; use it with --scratch")]
    [InlineData("--patience", "3", "--patience: early stopping watches the validation split; give --validation-split too.")]
    [InlineData("--momentum", "0.9", "--momentum: adam has no momentum; use it with --optimizer sgd or rms_prop.")]
    public void Finetune_refuses_flags_that_cannot_apply_in_one_line(string flag, string value, string message)
    {
        using var dir = new TempDirectory();
        string model = dir.File("m");
        CliRun pretrain = CliRun.Of("pretrain", "-o", model, "--dataset", "mnist", "--train-limit", "100", "--layers", "784,8", "--epochs", "1",
            "--data-dir", TestData.DatasetsRoot);
        Assert.True(pretrain.ExitCode == 0, pretrain.Error + pretrain.Output);
        CliRun run = CliRun.Of("finetune", model, flag, value, "--epochs", "1", "--data-dir", TestData.DatasetsRoot);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"pretrained validation error ([0-9.]+)%")]
    private static partial Regex ValidationError();
}
