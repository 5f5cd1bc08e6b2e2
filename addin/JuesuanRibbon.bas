Attribute VB_Name = "JuesuanRibbon"
' Ribbon callback of the juesuan add-in (tab defined in ribbon/customUI.xml).
'
' Every button calls OnAction; Python decides what the control id means
' (juesuan.ribbon.dispatch), so a new button needs no VBA change.
' RunPython comes from the xlwings module of this add-in and runs the
' interpreter configured by "juesuan addin install".
'
' Keep this file ASCII: the VBA project is stored in code page 1252, so
' Chinese text is written as UTF-16 code units and decoded by Zh.
Option Explicit

Public Sub OnAction(control As IRibbonControl)
    If ActiveWorkbook Is Nothing Then
        ' "Please open the workbook to check first." / title "Juesuan audit"
        MsgBox Zh("8BF7 5148 6253 5F00 8981 68C0 67E5 7684 5DE5 4F5C 7C3F 3002"), vbInformation, Zh("51B3 7B97 5BA1 6838")
        Exit Sub
    End If
    RunPython "import juesuan.ribbon; juesuan.ribbon.dispatch('" & control.ID & "')"
End Sub

Private Function Zh(ByVal codes As String) As String
    ' Hex UTF-16 code units separated by single spaces -> text.
    Dim unit As Variant
    For Each unit In Split(codes, " ")
        Zh = Zh & ChrW(CLng("&H" & unit))
    Next unit
End Function
