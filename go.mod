module github.com/dfmt/dfmt

go 1.26.8
