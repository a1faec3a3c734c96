using AutoEncoders.Data;
using TorchSharp;
using Xunit;

namespace AutoEncoders.Tests.Data;

public sealed class CsvTableTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Comma_table_with_a_string_label_column_maps_labels_to_sorted_classes()
    {
        string path = _temp.Write("flowers.csv", "id,sepal length,sepal width,species\n1,5.1,3.5,setosa\n2,7.0,3.2,versicolor\n3,6.3,3.3,virginica\n4,4.9,3.0,setosa\n");

        CsvTable table = CsvTable.Read(path, new CsvOptions { LabelColumn = "species", IgnoredColumns = ["id"] });

        Assert.Equal(',', table.Delimiter);
        Assert.Equal(["sepal length", "sepal width"], table.ColumnNames);
        Assert.Equal(4, table.RowCount);
        Assert.Equal(7.0f, table[1, 0]);
        Assert.Equal(3.0f, table[3, 1]);
        Assert.Equal(["setosa", "versicolor", "virginica"], table.ClassNames);
        Assert.Equal([0L, 1, 2, 0], table.Labels);
        Assert.Equal(2L, table.LabelCounts()[0]);
        Assert.Equal((4.9f, 7.0f), table.ColumnRange(0));
    }

    [Fact]
    public void Semicolon_and_tab_tables_are_detected_and_quoted_fields_keep_delimiters_quotes_and_line_breaks()
    {
        string semicolon = _temp.Write("a.csv", "\"x;1\";\"y \"\"2\"\"\";label\r\n1.5;-2e3;\"multi\nline\"\r\n0;0;plain\r\n");
        string tab = _temp.Write("b.tsv", "a\tb\n1\t2\n3\t4\n\n");

        CsvTable s = CsvTable.Read(semicolon, new CsvOptions { LabelColumn = "label" });
        CsvTable t = CsvTable.Read(tab);

        Assert.Equal(';', s.Delimiter);
        Assert.Equal(["x;1", "y \"2\""], s.ColumnNames);
        Assert.Equal(-2000f, s[0, 1]);
        Assert.Equal(["multi\nline", "plain"], s.ClassNames);
        Assert.Equal('\t', t.Delimiter);
        Assert.Equal(2, t.RowCount);
        Assert.Null(t.Labels);
        Assert.Equal(4f, t[1, 1]);
    }

    [Fact]
    public void Integer_labels_keep_their_numeric_order_and_given_class_names_fix_the_mapping()
    {
        string train = _temp.Write("train.csv", "v,y\n1,10\n2,9\n3,2\n");
        string test = _temp.Write("test.csv", "v,y\n1,2\n2,10\n");

        CsvTable a = CsvTable.Read(train, new CsvOptions { LabelColumn = "y" });
        CsvTable b = CsvTable.Read(test, new CsvOptions { LabelColumn = "y", ClassNames = a.ClassNames });

        Assert.Equal(["2", "9", "10"], a.ClassNames);
        Assert.Equal([2L, 1, 0], a.Labels);
        Assert.Equal([0L, 2], b.Labels);
    }

    [Fact]
    public void Label_outside_the_given_classes_is_refused_naming_line_row_and_column()
    {
        string path = _temp.Write("t.csv", "v,y\n1,a\n2,c\n");

        var e = Assert.Throws<DataFormatException>(() => CsvTable.Read(path, new CsvOptions { LabelColumn = "y", ClassNames = ["a", "b"] }));

        Assert.Equal("line 3 (row 2), column 'y'", e.Location);
        Assert.Contains("expected one of the classes 'a', 'b', found 'c'", e.Message);
    }

    [Fact]
    public void Non_numeric_cell_is_refused_naming_row_and_column()
    {
        string path = _temp.Write("t.csv", "age,income\n31,1000\n42,n/a\n");

        var e = Assert.Throws<DataFormatException>(() => CsvTable.Read(path));

        Assert.Equal(path, e.FilePath);
        Assert.Equal("line 3 (row 2), column 'income'", e.Location);
        Assert.Contains("expected a number (invariant culture, '.' as decimal point), found 'n/a'", e.Message);
    }

    [Theory]
    [InlineData("a,b\n1,\n", "line 2 (row 1), column 'b'", "found an empty cell")]
    [InlineData("a,b\n1,NaN\n", "line 2 (row 1), column 'b'", "expected a finite float32 number, found 'NaN'")]
    [InlineData("a,b\n1,1e39\n", "line 2 (row 1), column 'b'", "found '1e39'")]
    [InlineData("a,b\n1,\"2,5\"\n", "line 2 (row 1), column 'b'", "found '2,5'")]
    [InlineData("a,b,c\n1,2,3\n1,2\n", "line 3 (row 2)", "expected 3 cells as in the header, found 2 (missing column 'c')")]
    [InlineData("a,b\n1,2\n\n1,2,3\n", "line 4 (row 2)", "expected 2 cells as in the header, found 3 (1 more than the header names)")]
    [InlineData("a,a\n1,2\n", "line 1 (header)", "column 'a' appears twice (columns 1 and 2)")]
    [InlineData("a,,c\n1,2,3\n", "line 1 (header)", "column 2 has no name")]
    [InlineData("a,b\n", "line 2", "expected data rows after the header, found none")]
    [InlineData("", "line 1", "found an empty file")]
    [InlineData("a,b\n1,\"2\n", "line 2", "a quoted field opened on line 2 (in the record starting on line 2) is never closed")]
    [InlineData("a,b\n1,\"2\"x\n", "line 2", "after the closing quote of \"2\", found 'x'")]
    public void Malformed_tables_are_refused_with_the_location_and_the_problem(string text, string location, string problem)
    {
        string path = _temp.Write("bad.csv", text);

        var e = Assert.Throws<DataFormatException>(() => CsvTable.Read(path));

        Assert.Equal(location, e.Location);
        Assert.Contains(problem, e.Message);
        Assert.StartsWith($"{path}: {location}: ", e.Message);
    }

    [Fact]
    public void Unknown_label_or_ignored_column_is_refused_listing_the_columns()
    {
        string path = _temp.Write("t.csv", "a,b\n1,2\n");

        var label = Assert.Throws<DataFormatException>(() => CsvTable.Read(path, new CsvOptions { LabelColumn = "class" }));
        var ignored = Assert.Throws<DataFormatException>(() => CsvTable.Read(path, new CsvOptions { IgnoredColumns = ["id"] }));
        var none = Assert.Throws<DataFormatException>(() => CsvTable.Read(path, new CsvOptions { LabelColumn = "a", IgnoredColumns = ["b"] }));

        Assert.Contains("expected the label column 'class', but the columns are 'a', 'b'", label.Message);
        Assert.Contains("expected the ignored column 'id'", ignored.Message);
        Assert.Contains("no feature columns remain", none.Message);
    }

    [Fact]
    public void Table_becomes_a_float_dataset_with_int64_labels()
    {
        string path = _temp.Write("t.csv", "a,b,y\n1,2,x\n3,4,y\n5,6,x\n");

        using TensorDataset data = CsvTable.Read(path, new CsvOptions { LabelColumn = "y" }).ToDataset();

        Assert.Equal([3L, 2], data.Features.shape);
        Assert.Equal(torch.ScalarType.Float32, data.Features.dtype);
        Assert.Equal(4f, data.Features[1, 1].item<float>());
        Assert.Equal([0L, 1, 0], data.Labels!.data<long>().ToArray());
        Assert.Equal(["x", "y"], data.ClassNames);
        Assert.Equal("t", data.Name);
    }
}
