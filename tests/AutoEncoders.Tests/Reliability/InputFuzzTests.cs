using System.Buffers.Binary;
using System.Text;
using AutoEncoders.Applications.Search;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using SkiaSharp;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Reliability;

/// <summary>
/// The seeded fuzz suite of docs/reliability.md: for every kind of input file, valid files corrupted in many ways
/// (truncations, flipped and random bytes in headers and bodies, wrong magic, absurd sizes, count mismatches,
/// malformed text, wrong types, non-finite cells, ragged rows, byte-order marks, wrong dtypes and shapes) are fed to
/// the library entry points the CLI calls. Each must load or be refused in one `error: FILE: WHERE: WHAT` line, and
/// leave the folder as it was.
/// </summary>
public sealed class InputFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 14;

    [Fact]
    public void Corrupt_idx_files_are_refused_with_file_and_place()
    {
        var tally = new FuzzTally("idx");
        var mutator = new InputMutator(Seed);
        using var folder = new TempDirectory();
        byte[] images = SampleFiles.Idx(0x08, [30, 4, 4], i => (byte)(i * 7));
        byte[] labels = SampleFiles.Idx(0x08, [30], i => (byte)(i % 10));
        byte[] gzipped = SampleFiles.Gzip(images);
        for (int i = 0; i < 160; i++)
        {
            (string corruption, byte[] image, byte[] label, bool gzip, bool labelsBad) = (i % 12) switch
            {
                0 => ("truncated", mutator.Truncate(images), labels, false, false),
                1 => ("header byte flipped", mutator.Flip(images, 0, 16), labels, false, false),
                2 => ("body bytes changed", mutator.Scramble(images, 16, images.Length, 4), labels, false, false),
                3 => ("absurd size", InputMutator.Overwrite(images, 4 + (4 * mutator.Next(3)), SampleFiles.BigEndian(mutator.Pick([int.MaxValue, -1, 0, 1 << 30, 31]))), labels, false, false),
                4 => ("wrong magic", InputMutator.Overwrite(images, 0, mutator.Noise(4)), labels, false, false),
                5 => ("label count mismatch", images, InputMutator.Overwrite(labels, 4, SampleFiles.BigEndian(mutator.Pick([29, 31, 0, 1]))), false, true),
                6 => ("labels of another type or rank", images, mutator.Flip(labels, 2, 4), false, true),
                7 => ("garbage appended", mutator.AppendGarbage(images), labels, false, false),
                8 => ("gzip truncated", mutator.Truncate(gzipped), labels, true, false),
                9 => ("gzip deflate data corrupted", mutator.Scramble(gzipped, 10, gzipped.Length - 8, 1 + mutator.Next(3)), labels, true, false),
                10 => ("gzip trailer corrupted", mutator.Flip(gzipped, gzipped.Length - 8, gzipped.Length), labels, true, false),
                _ => ("random bytes", mutator.Noise(images.Length), labels, mutator.Next(2) == 0, false),
            };
            string imagesPath = folder.Write(gzip ? $"images{i}.idx.gz" : $"images{i}.idx", image);
            string labelsPath = folder.Write($"labels{i}.idx", label);
            tally.Attempt($"#{i} {corruption}", folder.Path, labelsBad ? labelsPath : imagesPath, () =>
            {
                using TensorDataset data = IdxDataset.Load(imagesPath, labelsPath);
            });
            File.Delete(imagesPath);
            File.Delete(labelsPath);
        }

        Report(tally);
        tally.AssertClean(150);
    }

    [Fact]
    public void Corrupt_csv_tables_are_refused_with_file_and_place()
    {
        var tally = new FuzzTally("csv");
        var mutator = new InputMutator(Seed);
        using var folder = new TempDirectory();
        var valid = new StringBuilder("id,x0,x1,x2,label\n");
        for (int row = 0; row < 20; row++)
        {
            valid.Append(FormattableString.Invariant($"r{row},{row * 0.5},{-row},{row / 7.0:F3},{(row % 3 == 0 ? "cat" : "dog")}\n"));
        }

        string text = valid.ToString();
        string[] lines = text.Split('\n');
        for (int i = 0; i < 150; i++)
        {
            (string corruption, string table) = (i % 10) switch
            {
                0 => ("NaN or infinite cell", text.Replace("0.5,", mutator.Pick(["NaN,", "Infinity,", "-inf,", "1e999,", "3.5e38,"]), StringComparison.Ordinal)),
                1 => ("ragged row", string.Join('\n', lines.Select((l, n) => n == 1 + mutator.Next(20) ? l[..l.LastIndexOf(',')] : l))),
                2 => ("extra cell", string.Join('\n', lines.Select((l, n) => n == 1 + mutator.Next(20) ? l + ",7" : l))),
                3 => ("byte-order mark", "\uFEFF" + mutator.Edit(text)),
                4 => ("unclosed quote", text.Insert(text.IndexOf("r5", StringComparison.Ordinal), "\"")),
                5 => ("header damaged", mutator.Pick(["", "\n", "id,x0,x0,x2,label\n", "id,,x1,x2,label\n", "id,x0,x1,x2\n"]) + string.Join('\n', lines.Skip(1))),
                6 => ("wrong type in a cell", text.Replace($",{-(1 + mutator.Next(19))},", ",minus one,", StringComparison.Ordinal)),
                7 => ("empty label", text.Replace(",dog\n", ",\n", StringComparison.Ordinal)),
                _ => ("random edits", mutator.Edit(text, 1 + mutator.Next(4))),
            };
            tally.AttemptFile($"#{i} {corruption}", folder, $"table{i}.csv", table, path =>
            {
                CsvTable read = CsvTable.Read(path, new CsvOptions { LabelColumn = "label", IgnoredColumns = ["id"] });
                using TensorDataset data = read.ToDataset();
            });
        }

        Report(tally);
        tally.AssertClean(150);
    }

    [Fact]
    public void Corrupt_sequence_files_are_refused_with_file_and_place()
    {
        var tally = new FuzzTally("sequence file");
        var mutator = new InputMutator(Seed);
        using var folder = new TempDirectory();
        var valid = new StringBuilder();
        for (int row = 0; row < 12; row++)
        {
            valid.AppendLine(string.Join(',', [(row % 2).ToString(System.Globalization.CultureInfo.InvariantCulture), .. Enumerable.Range(0, 8).Select(t => FormattableString.Invariant($"{Math.Sin((row + t) * 0.7):F4}"))]));
        }

        string text = valid.ToString().ReplaceLineEndings("\n");
        string[] lines = text.Split('\n');
        for (int i = 0; i < 100; i++)
        {
            (string corruption, string table) = (i % 6) switch
            {
                0 => ("NaN or infinite value", string.Join('\n', lines.Select((l, n) => n == mutator.Next(12) ? string.Join(',', l.Split(',').Select((c, k) => k == 3 ? mutator.Pick(["NaN", "Infinity", "-inf", "1e999"]) : c)) : l))),
                1 => ("series of another length", string.Join('\n', lines.Select((l, n) => n == mutator.Next(12) ? l[..l.LastIndexOf(',')] : l))),
                2 => ("byte-order mark or tab", "\uFEFF" + mutator.Edit(text).Replace(',', mutator.Next(2) == 0 ? ',' : '\t')),
                3 => ("empty label", string.Join('\n', lines.Select((l, n) => n == mutator.Next(12) ? l[1..] : l))),
                _ => ("random edits", mutator.Edit(text, 1 + mutator.Next(4))),
            };
            tally.AttemptFile($"#{i} {corruption}", folder, $"series{i}.txt", table, path =>
            {
                using TensorDataset data = SequenceTable.Read(path).ToDataset();
            });
        }

        Report(tally);
        tally.AssertClean(100);
    }

    [Fact]
    public void Corrupt_json_recipes_are_refused_with_file_and_place()
    {
        const string valid = """
            {
              "name": "fuzz",
              "model": { "kind": "dense", "layers": [16, 8, 4], "activation": "relu", "outputActivation": "sigmoid" },
              "objective": { "reconstruction": { "kind": "bce" }, "corruption": { "kind": "gaussian", "factor": 0.5 } },
              "training": { "epochs": 3, "batchSize": 8, "seed": 1, "optimizer": { "kind": "adam", "learningRate": 0.001 } },
              "data": { "dataset": "mnist", "trainLimit": 100 }
            }
            """;
        string[] semantic =
        [
            valid.Replace("\"kind\": \"dense\", ", string.Empty, StringComparison.Ordinal),
            valid.Replace("\"dense\"", "\"densest\"", StringComparison.Ordinal),
            valid.Replace("[16, 8, 4]", "\"16, 8, 4\"", StringComparison.Ordinal),
            valid.Replace("[16, 8, 4]", "[16, -8, 4]", StringComparison.Ordinal),
            valid.Replace("[16, 8, 4]", "[16]", StringComparison.Ordinal),
            valid.Replace("[16, 8, 4]", "[16, 8.5, 4]", StringComparison.Ordinal),
            valid.Replace("[16, 8, 4]", "[16, 99999999999, 4]", StringComparison.Ordinal),
            valid.Replace("\"trainLimit\": 100", "\"trainLimit\": -1", StringComparison.Ordinal),
            valid.Replace("\"trainLimit\": 100", "\"trainLimit\": 0", StringComparison.Ordinal),
            valid.Replace("\"epochs\": 3", "\"epochs\": -1", StringComparison.Ordinal),
            valid.Replace("\"epochs\": 3", "\"epochs\": \"three\"", StringComparison.Ordinal),
            valid.Replace("\"batchSize\": 8", "\"batchSize\": 0", StringComparison.Ordinal),
            valid.Replace("0.001", "NaN", StringComparison.Ordinal),
            valid.Replace("0.001", "\"NaN\"", StringComparison.Ordinal),
            valid.Replace("0.001", "-Infinity", StringComparison.Ordinal),
            valid.Replace("\"factor\": 0.5", "\"factor\": -2", StringComparison.Ordinal),
            valid.Replace("\"adam\"", "\"adamant\"", StringComparison.Ordinal),
            valid.Replace("\"bce\"", "3", StringComparison.Ordinal),
            valid.Replace("\"name\": \"fuzz\",", "\"nmae\": \"fuzz\",", StringComparison.Ordinal),
            valid.Replace("\"model\"", "\"modle\"", StringComparison.Ordinal),
            "[]", "null", "42", "\"recipe\"", string.Empty, "{", "\uFEFF" + valid, new string('[', 5000) + new string(']', 5000),
            "{\"model\": " + new string('{', 200) + new string('}', 200) + "}",
        ];
        RecipesAreRefused("json recipe", "json", valid, semantic);
    }

    [Fact]
    public void Corrupt_yaml_recipes_are_refused_with_file_and_place()
    {
        const string valid = """
            name: fuzz
            model:
              kind: dense
              layers: [16, 8, 4]
              codeActivation: sigmoid
            objective:
              reconstruction: { kind: bce, reduction: sum_per_example }
              penalties:
                - { kind: contractive, method: closed_form, weight: 0.1 }
            training:
              epochs: 2
              batchSize: 8
              optimizer: { kind: adam, learningRate: 0.001 }
            data:
              dataset: mnist
              trainLimit: 100
            """;
        string laughs = SampleFiles.BillionLaughs();
        string[] semantic =
        [
            laughs,
            laughs + valid,
            "model: [",
            "model: {kind: dense, layers: [16, 4]",
            "model: &m {kind: dense, layers: [16, 4]}\ncopy: *m\n",
            "model: *undefined\n",
            "model:\n  kind: dense\n  layers: !!binary aGVsbG8=\n",
            "model:\n\tkind: dense\n",
            "? [a, b]\n: c\n",
            "model: {kind: dense, layers: [16, 4]}\n---\nmodel: {kind: dense, layers: [16, 4]}\n",
            valid.Replace("kind: dense\n", string.Empty, StringComparison.Ordinal),
            valid.Replace("trainLimit: 100", "trainLimit: -1", StringComparison.Ordinal),
            valid.Replace("[16, 8, 4]", "sixteen", StringComparison.Ordinal),
            valid.Replace("epochs: 2", "epochs: .inf", StringComparison.Ordinal),
            valid.Replace("0.001", ".nan", StringComparison.Ordinal),
            "\uFEFF" + valid,
            new string('[', 3000) + new string(']', 3000),
            string.Concat(Enumerable.Range(0, 300).Select(d => new string(' ', d) + "k:\n")),
            string.Empty, "~", "- a\n- b\n", "%YAML 9.9\n---\na: 1\n", "\0\0\0",
        ];
        RecipesAreRefused("yaml recipe", "yaml", valid, semantic);
    }

    [Fact]
    public void Corrupt_model_folders_are_refused_with_file_and_place()
    {
        var tally = new FuzzTally("model folder");
        var mutator = new InputMutator(Seed);
        using var folder = new TempDirectory();
        string model = Path.Combine(folder.Path, "model");
        SampleFiles.SaveModel(model);
        new TrainingHistory
        {
            Metrics = ["loss"],
            Epochs = [new EpochRecord { Epoch = 1, Train = new Dictionary<string, double> { ["loss"] = 0.25 }, LearningRate = 0.001, Seconds = 1.5 }],
            StopReason = "finished",
        }.Save(model);
        string historyPath = Path.Combine(model, "history.json");
        string history = File.ReadAllText(historyPath);
        string manifestPath = Path.Combine(model, TrainedAutoencoder.ManifestFile);
        string weightsPath = Path.Combine(model, TrainedAutoencoder.WeightsFile);
        string manifest = File.ReadAllText(manifestPath);
        byte[] weights = File.ReadAllBytes(weightsPath);
        string[] semantic =
        [
            manifest.Replace("\"kind\": \"dense\",", string.Empty, StringComparison.Ordinal),
            manifest.Replace("\"format\": \"autoencoders.model\",", string.Empty, StringComparison.Ordinal),
            manifest.Replace("\"version\": 1", "\"version\": 99", StringComparison.Ordinal),
            manifest.Replace("\"version\": 1", "\"version\": \"one\"", StringComparison.Ordinal),
            manifest.Replace("\"dense\"", "\"vae\"", StringComparison.Ordinal),
            manifest.Replace("16,", "17,", StringComparison.Ordinal),
            manifest.Replace("16,", "-16,", StringComparison.Ordinal),
            "{}", "[]", "null", string.Empty, "\uFEFF" + manifest,
        ];
        for (int i = 0; i < 150; i++)
        {
            bool manifestBad = i % 3 == 0, historyBad = i % 3 == 2;
            string corruption;
            File.WriteAllText(manifestPath, manifest);
            File.WriteAllBytes(weightsPath, weights);
            File.WriteAllText(historyPath, history);
            if (manifestBad)
            {
                string text = i / 3 < semantic.Length ? semantic[i / 3] : mutator.Edit(manifest, 1 + mutator.Next(3));
                corruption = i / 3 < semantic.Length ? "model.json semantic" : "model.json random edits";
                File.WriteAllText(manifestPath, text);
            }
            else if (historyBad)
            {
                corruption = "history.json random edits";
                File.WriteAllText(historyPath, mutator.Edit(history, 1 + mutator.Next(3)));
            }
            else
            {
                (corruption, byte[] bad) = (i / 3 % 5) switch
                {
                    0 => ("weights truncated", mutator.Truncate(weights)),
                    1 => ("weights header flipped", mutator.Scramble(weights, 0, 64, 1 + mutator.Next(3))),
                    2 => ("weights body flipped", mutator.Scramble(weights, 0, weights.Length, 1 + mutator.Next(3))),
                    3 => ("weights garbage appended", mutator.AppendGarbage(weights)),
                    _ => ("weights random bytes", mutator.Noise(weights.Length)),
                };
                File.WriteAllBytes(weightsPath, bad);
            }

            // A changed architecture in model.json is found when the weights do not fit it: either file may be named.
            string[] named = manifestBad ? [manifestPath, weightsPath] : historyBad ? [historyPath] : [weightsPath];
            tally.Attempt($"#{i} {corruption}", folder.Path, named, () =>
            {
                using TrainedAutoencoder loaded = TrainedAutoencoder.Load(model);
            });
        }

        Report(tally);
        tally.AssertClean(140);
    }

    [Fact]
    public void Corrupt_checkpoints_are_refused_with_file_and_place()
    {
        var tally = new FuzzTally("checkpoint");
        var mutator = new InputMutator(Seed);
        using var folder = new TempDirectory();
        string checkpoint = folder.File("run.ckpt");
        var config = new DenseAutoencoderConfig { Layers = [16, 4] };
        var options = new TrainerOptions { Epochs = 1, BatchSize = 8, Seed = 1, Progress = ProgressMode.Silent };
        TorchRuntime.SetSeed(1);
        using (var data = new TensorDataset(torch.rand(32, 16)))
        using (Autoencoder built = config.Build())
        using (var trainer = new Trainer(built, new Objective(), options) { CheckpointPath = checkpoint })
        {
            trainer.Fit(data);
        }

        byte[] valid = File.ReadAllBytes(checkpoint);
        using Autoencoder model = config.Build();
        using var resuming = new Trainer(model, new Objective(), options);
        for (int i = 0; i < 100; i++)
        {
            (string corruption, byte[] bad) = (i % 6) switch
            {
                0 => ("truncated", mutator.Truncate(valid)),
                1 => ("magic or version flipped", mutator.Flip(valid, 0, 11)),
                2 => ("JSON header flipped", mutator.Scramble(valid, 11, Math.Min(valid.Length, 600), 1 + mutator.Next(3))),
                3 => ("tensor bytes flipped", mutator.Scramble(valid, Math.Min(valid.Length - 1, 600), valid.Length, 1 + mutator.Next(3))),
                4 => ("garbage appended", mutator.AppendGarbage(valid)),
                _ => ("random bytes", mutator.Noise(valid.Length)),
            };
            File.WriteAllBytes(checkpoint, bad);
            tally.Attempt($"#{i} {corruption}", folder.Path, checkpoint, () => resuming.LoadCheckpoint(checkpoint));
        }

        Report(tally);
        tally.AssertClean(100);
    }

    [Fact]
    public void Corrupt_npy_files_are_refused_with_file_and_place()
    {
        var tally = new FuzzTally("npy");
        var mutator = new InputMutator(Seed);
        using var folder = new TempDirectory();
        string seedPath = folder.File("seed.npy");
        using (Tensor values = torch.arange(0, 96, dtype: ScalarType.Float32).reshape(12, 8))
        {
            NpyFile.Write(seedPath, values);
        }

        byte[] valid = File.ReadAllBytes(seedPath);
        File.Delete(seedPath);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(valid.AsSpan(8));
        string header = Encoding.ASCII.GetString(valid, 10, headerLength);
        byte[] data = valid[(10 + headerLength)..];
        byte[] WithHeader(string text) => SampleFiles.Npy(text, data);
        string[] headers =
        [
            header.Replace("(12, 8)", "(0, 32)", StringComparison.Ordinal),
            header.Replace("(12, 8)", "(0,)", StringComparison.Ordinal),
            header.Replace("(12, 8)", "()", StringComparison.Ordinal),
            header.Replace("(12, 8)", "(12, 9)", StringComparison.Ordinal),
            header.Replace("(12, 8)", "(-12, -8)", StringComparison.Ordinal),
            header.Replace("(12, 8)", "(4611686018427387904, 4)", StringComparison.Ordinal),
            header.Replace("(12, 8)", "(99999999999999999999, 1)", StringComparison.Ordinal),
            header.Replace("(12, 8)", "(12, x)", StringComparison.Ordinal),
            header.Replace("<f4", "<i4", StringComparison.Ordinal),
            header.Replace("<f4", ">f4", StringComparison.Ordinal),
            header.Replace("<f4", "|u1", StringComparison.Ordinal),
            header.Replace("<f4", "<f8", StringComparison.Ordinal),
            header.Replace("False", "True", StringComparison.Ordinal),
            header.Replace("'fortran_order': False, ", string.Empty, StringComparison.Ordinal),
            header.TrimEnd() + "garbage\n",
            header.Replace("}", "} trailing", StringComparison.Ordinal),
            "{'descr': '<f4', 'shape': (12, 8), 'fortran_order': False, 'extra': 1}\n",
            "{'descr': '<f4', 'fortran_order': False}\n",
            "not a dictionary\n",
        ];
        for (int i = 0; i < 130; i++)
        {
            (string corruption, byte[] bad) = i < headers.Length
                ? ($"header {headers[i].Trim()}", WithHeader(headers[i]))
                : (i % 8) switch
                {
                    0 => ("truncated", mutator.Truncate(valid)),
                    1 => ("magic flipped", mutator.Flip(valid, 0, 6)),
                    2 => ("version or header length flipped", mutator.Flip(valid, 6, 10)),
                    3 => ("header text flipped", mutator.Scramble(valid, 10, 10 + headerLength, 1 + mutator.Next(3))),
                    4 => ("data bytes changed", mutator.Scramble(valid, 10 + headerLength, valid.Length, 3)),
                    5 => ("garbage appended", mutator.AppendGarbage(valid)),
                    6 => ("absurd header length", InputMutator.Overwrite(valid, 6, [2, 0, 0xff, 0xff, 0xff, 0x7f])),
                    _ => ("random bytes", mutator.Noise(valid.Length)),
                };
            tally.AttemptFile($"#{i} {corruption}", folder, $"codes{i}.npy", bad, path =>
            {
                using Tensor read = NpyFile.Read(path);
            });
        }

        Report(tally);
        tally.AssertClean(120);
    }

    [Fact]
    public void Corrupt_code_indexes_are_refused_with_file_and_place()
    {
        var tally = new FuzzTally("aeidx");
        var mutator = new InputMutator(Seed);
        using var folder = new TempDirectory();
        string seedPath = folder.File("seed.aeidx");
        using (Tensor codes = torch.rand(10, 6))
        using (var index = new CodeIndex(codes, [.. Enumerable.Range(0, 10).Select(i => (long)(i % 3))], [.. Enumerable.Range(0, 10).Select(i => $"item:{i}")], "{\"model\": \"fuzz\"}"))
        {
            index.Save(seedPath);
        }

        byte[] valid = File.ReadAllBytes(seedPath);
        File.Delete(seedPath);
        for (int i = 0; i < 130; i++)
        {
            (string corruption, byte[] bad) = (i % 10) switch
            {
                0 => ("truncated", mutator.Truncate(valid)),
                1 => ("wrong magic", mutator.Flip(valid, 0, 8)),
                2 => ("absurd item count", InputMutator.Overwrite(valid, 16, BitConverter.GetBytes(mutator.Pick([1L << 62, -1L, long.MaxValue, 11L, 9L, 1L << 31])))),
                3 => ("absurd dimensions", InputMutator.Overwrite(valid, 12, BitConverter.GetBytes(mutator.Pick([int.MaxValue, 0, -6, 7, 1 << 30])))),
                4 => ("absurd flags or source length", InputMutator.Overwrite(valid, mutator.Pick([24, 28]), BitConverter.GetBytes(mutator.Pick([int.MaxValue, -1, 4, 1 << 30, 3])))),
                5 => ("header flipped", mutator.Flip(valid, 0, 32)),
                6 => ("body bytes changed", mutator.Scramble(valid, 32, valid.Length, 1 + mutator.Next(4))),
                7 => ("garbage appended", mutator.AppendGarbage(valid)),
                8 => ("version changed", InputMutator.Overwrite(valid, 8, BitConverter.GetBytes(mutator.Pick([0, 2, -1])))),
                _ => ("random bytes", mutator.Noise(valid.Length)),
            };
            tally.AttemptFile($"#{i} {corruption}", folder, $"codes{i}.aeidx", bad, path =>
            {
                using CodeIndex read = CodeIndex.Load(path);
            });
        }

        Report(tally);
        tally.AssertClean(120);
    }

    [Fact]
    public void Corrupt_images_are_refused_with_file_and_place()
    {
        var tally = new FuzzTally("png/image folder");
        var mutator = new InputMutator(Seed);
        using var folder = new TempDirectory();
        byte[] png = SampleFiles.Picture(SKEncodedImageFormat.Png);
        byte[] jpeg = SampleFiles.Picture(SKEncodedImageFormat.Jpeg);
        for (int i = 0; i < 130; i++)
        {
            bool isJpeg = i % 7 == 6;
            byte[] valid = isJpeg ? jpeg : png;
            (string corruption, byte[] bad) = (i % 7) switch
            {
                0 => ("truncated", mutator.Truncate(valid)),
                1 => ("signature flipped", mutator.Flip(valid, 0, 8)),
                2 => ("IHDR flipped", mutator.Flip(valid, 8, 33)),
                3 => ("chunk checksum flipped", mutator.Flip(valid, 29, 33)),
                4 => ("image data flipped", mutator.Scramble(valid, 33, valid.Length - 12, 1 + mutator.Next(3))),
                5 => ("random bytes", mutator.Noise(valid.Length)),
                _ => ("jpeg bytes changed", mutator.Scramble(valid, 0, valid.Length, 1 + mutator.Next(3))),
            };

            // Half through one image as `ae` reads a single picture, half through a class folder as a dataset.
            string classFolder = Path.Combine(folder.Path, $"set{i}", "cat");
            string path = Path.Combine(classFolder, isJpeg ? "b.jpg" : "b.png");
            Directory.CreateDirectory(classFolder);
            File.WriteAllBytes(Path.Combine(classFolder, "a.png"), png);
            File.WriteAllBytes(path, bad);
            tally.Attempt($"#{i} {corruption}", folder.Path, path, i % 2 == 0
                ? () => ImageFile.ReadPixels(path, 8, 8, 1)
                : () =>
                {
                    using TensorDataset data = ImageFolder.Load(Path.Combine(folder.Path, $"set{i}"), new ImageFolderOptions { Width = 8, Height = 8 });
                });
            Directory.Delete(Path.Combine(folder.Path, $"set{i}"), recursive: true);
        }

        Report(tally);
        tally.AssertClean(120);
    }

    /// <summary>The <paramref name="semantic"/> recipes first, then random edits of <paramref name="valid"/>: 150 in all.</summary>
    private void RecipesAreRefused(string kind, string extension, string valid, string[] semantic)
    {
        var tally = new FuzzTally(kind);
        var mutator = new InputMutator(Seed);
        using var folder = new TempDirectory();
        for (int i = 0; i < 150; i++)
        {
            string recipe = i < semantic.Length ? semantic[i] : mutator.Edit(valid, 1 + mutator.Next(3));
            tally.AttemptFile($"#{i} {(i < semantic.Length ? "semantic" : "random edits")}", folder, $"recipe{i}.{extension}", recipe, path => Recipe.Load(path));
        }

        Report(tally);
        tally.AssertClean(150);
    }

    private void Report(FuzzTally tally)
    {
        output.WriteLine(tally.ToString());
        foreach (string failure in tally.Failures)
        {
            output.WriteLine(failure);
        }

        foreach ((string corruption, string line) in tally.Examples)
        {
            output.WriteLine($"  {corruption}: {line}");
        }
    }
}
