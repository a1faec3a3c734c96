using AutoEncoders.Data;
using TorchSharp;
using Xunit;

namespace AutoEncoders.Tests.Data;

public sealed class ColumnNormalizerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private CsvTable Train => CsvTable.Read(_temp.Write("train.csv", "a,b,const\n0,10,7\n5,20,7\n10,60,7\n"));

    [Fact]
    public void Min_max_maps_the_training_range_to_0_1_and_leaves_constant_columns_finite()
    {
        MinMaxNormalizer normalizer = MinMaxNormalizer.Fit(Train);
        CsvTable test = CsvTable.Read(_temp.Write("test.csv", "a,b,const\n20,10,8\n"));

        CsvTable train = normalizer.Transform(Train);
        CsvTable applied = normalizer.Transform(test);

        Assert.Equal([0f, 0f, 0f, 0.5f, 0.2f, 0f, 1f, 1f, 0f], train.Values.ToArray());
        Assert.Equal([2f, 0f, 1f], applied.Values.ToArray());
        Assert.Equal([0.0, 10, 7], normalizer.Minimum);
        Assert.Equal([10.0, 60, 7], normalizer.Maximum);
    }

    [Fact]
    public void Z_score_uses_the_population_standard_deviation_and_inverts_to_float_precision()
    {
        ZScoreNormalizer normalizer = ZScoreNormalizer.Fit(Train);

        CsvTable z = normalizer.Transform(Train);
        CsvTable back = normalizer.InverseTransform(z);

        Assert.Equal(5.0, normalizer.Mean[0], 12);
        Assert.Equal(Math.Sqrt(50.0 / 3), normalizer.StandardDeviation[0], 12);
        Assert.Equal(0.0, normalizer.StandardDeviation[2]);
        Assert.Equal(-5 / Math.Sqrt(50.0 / 3), z[0, 0], 5);
        Assert.Equal(0f, z[2, 2]);
        Assert.All(Train.Values.ToArray().Zip(back.Values.ToArray()), p => Assert.Equal(p.First, p.Second, 1e-5f));
    }

    [Fact]
    public void Columns_are_matched_by_name_and_come_out_in_the_fitted_order()
    {
        ZScoreNormalizer normalizer = ZScoreNormalizer.Fit(Train);
        CsvTable shuffled = CsvTable.Read(_temp.Write("s.csv", "const,b,a\n7,30,5\n"));

        CsvTable result = normalizer.Transform(shuffled);

        Assert.Equal(["a", "b", "const"], result.ColumnNames);
        Assert.Equal(0f, result[0, 0]);
        Assert.Equal(0f, result[0, 1]);
    }

    [Fact]
    public void Table_with_other_columns_is_refused_naming_unknown_and_missing_ones()
    {
        MinMaxNormalizer normalizer = MinMaxNormalizer.Fit(Train);
        string path = _temp.Write("other.csv", "a,x,const\n1,2,3\n");

        var e = Assert.Throws<DataFormatException>(() => normalizer.Transform(CsvTable.Read(path)));

        Assert.Equal($"{path}: header: the columns differ from those the min-max normalizer was fitted on: unknown column 'x'; missing column 'b'.", e.Message);
    }

    [Fact]
    public void Json_round_trip_keeps_columns_and_parameters_exactly()
    {
        ZScoreNormalizer fitted = ZScoreNormalizer.Fit(Train);
        string path = _temp.File("norm.json");

        fitted.Save(path);
        var loaded = Assert.IsType<ZScoreNormalizer>(ColumnNormalizer.Load(path));
        var minMax = Assert.IsType<MinMaxNormalizer>(ColumnNormalizer.FromJson(MinMaxNormalizer.Fit(Train).ToJson()));

        Assert.False(File.Exists(path + ".tmp"));
        Assert.Contains("\"kind\": \"z-score\"", File.ReadAllText(path));
        Assert.Equal(fitted.Columns, loaded.Columns);
        Assert.Equal(fitted.Mean, loaded.Mean);
        Assert.Equal(fitted.StandardDeviation, loaded.StandardDeviation);
        Assert.Equal([10.0, 60, 7], minMax.Maximum);
    }

    [Theory]
    [InlineData("{\"kind\":\"log\",\"columns\":[{\"name\":\"a\"}]}", "$.kind", "expected 'min-max' or 'z-score', found 'log'")]
    [InlineData("{\"kind\":\"z-score\",\"columns\":[{\"name\":\"a\",\"mean\":1}]}", "$.columns[0].std", "expected a number")]
    [InlineData("{\"kind\":\"z-score\",\"columns\":[{\"name\":\"a\",\"mean\":1,\"std\":-1}]}", "$.columns[0].std", "expected a standard deviation >= 0, found -1")]
    [InlineData("{\"kind\":\"min-max\",\"columns\":[{\"name\":\"a\",\"min\":2,\"max\":1}]}", "$.columns[0]", "expected max >= min")]
    [InlineData("{\"kind\":\"min-max\",\"columns\":[]}", "$.columns", "expected at least one column")]
    [InlineData("{\"kind\":\"min-max\",\n\"columns\":[", "line 2", "expected JSON")]
    public void Bad_json_is_refused_naming_the_json_path(string json, string location, string problem)
    {
        var e = Assert.Throws<DataFormatException>(() => ColumnNormalizer.FromJson(json, "model/normalizer.json"));

        Assert.Equal("model/normalizer.json", e.FilePath);
        Assert.Equal(location, e.Location);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Tensor_transform_matches_the_table_transform_and_inverts()
    {
        MinMaxNormalizer normalizer = MinMaxNormalizer.Fit(Train);
        using TensorDataset data = Train.ToDataset();

        using torch.Tensor normalised = normalizer.Transform(data.Features);
        using torch.Tensor back = normalizer.InverseTransform(normalised);

        Assert.Equal(normalizer.Transform(Train).Values.ToArray(), normalised.data<float>().ToArray());
        Assert.True(back.allclose(data.Features));
        Assert.Throws<ArgumentException>(() => normalizer.Transform(torch.zeros(2, 4)));
    }
}
