using AutoEncoders.Cli;
using TorchSharp;
using Xunit.Abstractions;

namespace AutoEncoders.Tests.Reliability;

/// <summary>
/// The user sweep of docs/reliability.md, in process: `ae` commands given a missing file, an empty one, a folder
/// where a file belongs (and a file where a folder belongs), data of the wrong shape, a NaN in a table, a number
/// that is not one: each must give exactly one `error: FILE: WHERE: WHAT` line (or `error: --option: ...`), exit
/// code 1, and leave nothing behind. The cases are those the sweep of 2026-12-06 found failing, and one of each kind.
/// </summary>
public sealed class CommandSweepTests : IClassFixture<CommandSweepTests.Inputs>
{
    private readonly Inputs _inputs;
    private readonly ITestOutputHelper _output;

    public CommandSweepTests(Inputs inputs, ITestOutputHelper output)
    {
        _inputs = inputs;
        _output = output;
    }

    /// <summary>(name, arguments with {M} a 16-input model, {F} the inputs' folder, {O} an output path, expected start after "error: ").</summary>
    public static TheoryData<string, string, string> Cases => new()
    {
        // The data file is named, with where and what: the shape errors used to say "The data 'x' has samples..."
        // or fail inside libtorch ("mat1 and mat2 shapes cannot be multiplied").
        { "eval-shape", "eval {M} --images {F}/nine.idx", "{F}/nine.idx: sample shape: expected samples of shape [16] (16 values), as the model takes; found [1, 3, 3] (9 values)." },
        { "encode-shape", "encode {M} --images {F}/nine.idx -o {O}.npy", "{F}/nine.idx: sample shape: expected samples of shape [16]" },
        { "reconstruct-shape", "reconstruct {M} --images {F}/nine.idx -o {O}.npy", "{F}/nine.idx: sample shape: expected samples of shape [16]" },
        { "interpolate-shape", "interpolate {M} --images {F}/nine.idx -o {O}.png", "{F}/nine.idx: sample shape: expected samples of shape [16]" },
        { "index-shape", "index build {M} --images {F}/nine.idx -o {O}.aeidx", "{F}/nine.idx: sample shape: expected samples of shape [16]" },
        { "decode-shape", "decode {M} --codes {F}/three.npy -o {O}.npy", "{F}/three.npy: shape: expected codes of the model's [4] values, one row per sample; found [5, 3]." },
        { "train-shape", "train --array {F}/three.npy --layers 8,2 --epochs 1 --progress silent -o {O}", "{F}/three.npy: sample shape: expected samples of shape [8] (8 values), as the model takes; found [3] (3 values)." },

        // A failed new run leaves no --out folder behind (it used to leave the empty folder it had made).
        { "train-missing-table", "train --table {F}/nope.csv --layers 3,2 -o {O}", "{F}/nope.csv: no such file." },
        { "train-empty-table", "train --table {F}/empty.csv --layers 3,2 -o {O}", "{F}/empty.csv: line 1: expected a header row" },
        { "train-nan-table", "train --table {F}/nan.csv --layers 3,2 -o {O}", "{F}/nan.csv: line 3 (row 2), column 'b': expected a finite float32 number, found 'NaN'." },
        { "train-nan-array", "train --array {F}/nan.npy --layers 8,2 -o {O}", "{F}/nan.npy: row 0, value 0: expected a finite number; found NaN." },

        // A folder where a file belongs, a file where a folder belongs (were "no such file" and .NET's "Access to the path is denied").
        { "train-folder-table", "train --table {F}/folder --layers 3,2 -o {O}", "{F}/folder: path: expected a file; found a folder." },
        { "eval-folder-images", "eval {M} --images {F}/folder", "{F}/folder: path: expected a file; found a folder." },
        { "decode-folder-codes", "decode {M} --codes {F}/folder -o {O}.npy", "{F}/folder: path: expected a file; found a folder." },
        { "detect-folder-table", "detect fit --table {F}/folder -o {O}", "{F}/folder: path: expected a file; found a folder." },
        { "eval-file-model", "eval {F}/nan.csv --images {F}/sixteen.idx", "{F}/nan.csv: path: expected a model directory (model.json, weights.bin); found a file." },

        // A number that is not one (System.CommandLine's text named .NET types: 'System.Nullable`1[System.Int64]').
        { "eval-limit-text", "eval {M} --images {F}/sixteen.idx --limit abc", "--limit: expected a whole number, found 'abc'." },
        { "generate-count-text", "generate {M} -n abc -o {O}.png", "--count: expected a whole number, found 'abc'." },
        { "detect-percentile-text", "detect fit --table {F}/nan.csv --percentile x -o {O}", "--percentile: expected a number ('.' as decimal point), found 'x'." },

        // One of each remaining kind.
        { "train-empty-recipe", "train --recipe {F}/empty.json -o {O}", "{F}/empty.json: line 1: expected a JSON object { ... }; found an empty file." },
        { "inspect-missing", "inspect {F}/nope", "{F}/nope: no such file or folder." },
        { "decode-empty", "decode {M} --codes {F}/empty.npy -o {O}.npy", "{F}/empty.npy: offset 0: expected the .npy magic" },
        { "decode-nan", "decode {M} --codes {F}/nan.csv -o {O}.npy", "{F}/nan.csv: line 3 (row 2), column 'b': expected a finite float32 number" },
        { "search-empty", "search {F}/empty.aeidx --images {F}/sixteen.idx", "{F}/empty.aeidx: offset 0: expected a code index" },
        { "weights-import-empty", "weights import {F}/empty.safetensors --like {M} -o {O}", "{F}/empty.safetensors: offset 0: expected an 8-byte" },
        { "unknown-option", "encode {M} --frobnicate -o {O}.npy", "ae encode: Unrecognized command or argument '--frobnicate'." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_bad_input_gives_one_error_line_exit_code_1_and_leaves_nothing(string name, string arguments, string expected)
    {
        using var output = new TempDirectory();
        string Fill(string text) => text.Replace("{M}", _inputs.Model, StringComparison.Ordinal)
            .Replace("{F}", _inputs.Folder.Path, StringComparison.Ordinal)
            .Replace("{O}", output.File("out"), StringComparison.Ordinal);
        string[] args = Fill(arguments).Split(' ');
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int code = AeApplication.Run(args, stdout, stderr);

        string error = stderr.ToString();
        _output.WriteLine($"{name}: exit {code}: {error.Trim()}");
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1, code);
        Assert.Single(lines);
        Assert.StartsWith($"error: {Fill(expected)}", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error + stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", lines[0], StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(output.Path));
    }

    /// <summary>The inputs every case reads: a model of 16 inputs, IDX images of 16 and 9 values, empty files, NaNs, a folder.</summary>
    public sealed class Inputs : IDisposable
    {
        public Inputs()
        {
            Model = Folder.File("model");
            SampleFiles.SaveModel(Model);
            Folder.Write("sixteen.idx", SampleFiles.Idx(0x08, [12, 4, 4], i => (byte)(i * 7)));
            Folder.Write("nine.idx", SampleFiles.Idx(0x08, [12, 3, 3], i => (byte)(i * 5)));
            string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (5, 3), }\n";
            Folder.Write("three.npy", SampleFiles.Npy(header, new byte[5 * 3 * 4]));
            string nanHeader = "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 8), }\n";
            Folder.Write("nan.npy", SampleFiles.Npy(nanHeader, [.. Enumerable.Repeat(BitConverter.GetBytes(float.NaN), 32).SelectMany(b => b)]));
            Folder.Write("nan.csv", "a,b,c\n1,2,3\n4,NaN,6\n");
            Folder.Write("empty.csv", string.Empty);
            Folder.Write("empty.json", string.Empty);
            Folder.Write("empty.npy", []);
            Folder.Write("empty.aeidx", []);
            Folder.Write("empty.safetensors", []);
            Directory.CreateDirectory(Folder.File("folder"));
            torch.set_num_threads(1);
        }

        public TempDirectory Folder { get; } = new();

        public string Model { get; }

        public void Dispose() => Folder.Dispose();
    }
}
