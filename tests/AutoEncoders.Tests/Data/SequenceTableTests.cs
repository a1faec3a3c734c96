using AutoEncoders.Data;
using TorchSharp;

namespace AutoEncoders.Tests.Data;

public sealed class SequenceTableTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Ucr_tab_file_reads_as_N_T_1_with_labels_in_numeric_order()
    {
        string path = _temp.Write("ECG_TRAIN.tsv", "1\t0.5\t1.5\t-2\n-1\t3\t4\t5\n1\t6\t7\t8.25\n");

        SequenceTable table = SequenceTable.Read(path);
        using TensorDataset data = table.ToDataset();

        Assert.Equal('\t', table.Delimiter);
        Assert.Equal((3, 3, 1), (table.Count, table.Length, table.Channels));
        Assert.Equal(["-1", "1"], table.ClassNames);
        Assert.Equal([1L, 0, 1], table.Labels);
        Assert.Equal([3L, 3, 1], data.Features.shape);
        Assert.Equal(8.25f, data.Features[2, 2, 0].item<float>());
        Assert.Equal((-2f, 8.25f), table.Range());
        Assert.Equal("ECG_TRAIN", data.Name);
    }

    [Fact]
    public void Old_ucr_comma_file_with_float_labels_keeps_one_class_per_number()
    {
        string path = _temp.Write("old.csv", "1.0000000e+00,1,2\n2.0000000e+00,3,4\n1,5,6\n");

        SequenceTable table = SequenceTable.Read(path);

        Assert.Equal(',', table.Delimiter);
        Assert.Equal(["1", "2"], table.ClassNames);
        Assert.Equal([0L, 1, 0], table.Labels);
    }

    [Fact]
    public void Whitespace_separated_rows_without_labels_read_every_value()
    {
        string path = _temp.Write("plain.txt", "  1   2  3\n\n4 5    6  \n");

        SequenceTable table = SequenceTable.Read(path, new SequenceOptions { LabelFirst = false });

        Assert.Equal(' ', table.Delimiter);
        Assert.Null(table.Labels);
        Assert.Equal((2, 3), (table.Count, table.Length));
        Assert.Equal(6f, table[1, 2]);
    }

    [Fact]
    public void Channels_split_each_row_into_consecutive_series()
    {
        string path = _temp.Write("multi.csv", "a,1,2,3,10,20,30\nb,4,5,6,40,50,60\n");

        SequenceTable table = SequenceTable.Read(path, new SequenceOptions { Channels = 2 });
        using TensorDataset data = table.ToDataset();

        Assert.Equal((2, 3, 2), (table.Count, table.Length, table.Channels));
        Assert.Equal(20f, table[0, 1, 1]);
        Assert.Equal(6f, table[1, 2, 0]);
        Assert.Equal([2L, 3, 2], data.Features.shape);
        Assert.Equal([4f, 40f], data.Features[1, 0].data<float>().ToArray());
    }

    [Theory]
    [InlineData("1,1,2,3\n2,4,5\n", "line 2 (series 2)", "expected 3 time steps like the first series, found 2; series must have equal lengths")]
    [InlineData("1,1,2,3\n\n2,4,NaN,NaN\n", "line 3 (series 2), column 3 (step 2)", "found NaN: the UCR archive pads shorter series with NaN")]
    [InlineData("1,1,x,3\n", "line 1 (series 1), column 3 (step 2)", "expected a number, found 'x'")]
    [InlineData("1,1,,3\n", "line 1 (series 1), column 3 (step 2)", "expected a number, found ''")]
    [InlineData("1\n", "line 1 (series 1)", "expected a label and at least one value, found 1 cells")]
    [InlineData("\n\n", "line 1", "found no rows")]
    public void Malformed_sequence_files_are_refused_naming_the_row(string text, string location, string problem)
    {
        string path = _temp.Write("bad.csv", text);

        var e = Assert.Throws<DataFormatException>(() => SequenceTable.Read(path));

        Assert.Equal(path, e.FilePath);
        Assert.Equal(location, e.Location);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Row_that_does_not_split_into_the_channels_is_refused()
    {
        string path = _temp.Write("bad.csv", "1,1,2,3\n");

        var e = Assert.Throws<DataFormatException>(() => SequenceTable.Read(path, new SequenceOptions { Channels = 2 }));

        Assert.Equal("line 1 (series 1)", e.Location);
        Assert.Contains("a multiple of 2), found 3 values", e.Message);
    }

    [Fact]
    public void Test_file_labels_map_through_the_training_classes()
    {
        string path = _temp.Write("test.tsv", "2\t1\t2\n3\t1\t2\n");

        var e = Assert.Throws<DataFormatException>(() => SequenceTable.Read(path, new SequenceOptions { ClassNames = ["1", "2"] }));
        SequenceTable ok = SequenceTable.Read(_temp.Write("ok.tsv", "2\t1\t2\n"), new SequenceOptions { ClassNames = ["1", "2"] });

        Assert.Equal("line 2 (series 2), column 1", e.Location);
        Assert.Equal([1L], ok.Labels);
    }
}
